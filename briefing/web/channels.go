package web

import (
	"firsthand/briefing"
	"firsthand/briefing/channel"
)

// channelEnv is what senders and preflights need from this server.
func (s *Server) channelEnv() channel.Env {
	env := channel.NewEnv(s.baseURL, s.mailer, s.dialer, func(email string) bool {
		u, err := s.st.UserByEmail(email)
		return err == nil && u.Active
	})
	if s.connect != nil {
		env.Tokens = s.connect
	}
	env.Sessions = s.st // a Bluesky preflight or test send keeps its session
	return env
}

// channelOffered says whether authors may pick a channel in the editor: a
// kind that needs SMTP cannot send without it, so it is not offered.
func (s *Server) channelOffered(ch *briefing.Channel) bool {
	k, ok := channel.Lookup(ch.Kind)
	return ok && !(k.NeedsMail && s.mailer == nil)
}

// channelJSON is a channel as the API shows it: never a secret.
type channelJSON struct {
	ID        string               `json:"id"`
	Name      string               `json:"name"`
	Kind      briefing.ChannelKind `json:"kind"`
	Purpose   string               `json:"purpose"`
	Disabled  bool                 `json:"disabled"`
	Connected bool                 `json:"connected"`
	Note      string               `json:"note,omitempty"`
}

func (s *Server) channelOut(ch *briefing.Channel) channelJSON {
	// connected: the channel has what it needs to send: not e-mail without
	// SMTP, and for x and linkedin a token whose last refresh did not fail.
	return channelJSON{ID: ch.ID, Name: ch.Name, Kind: ch.Kind, Purpose: ch.Purpose,
		Disabled: ch.Disabled, Connected: s.channelConnected(ch), Note: ch.Note}
}

// channelConnected: the channel has what it needs to send as far as this
// server goes (SMTP for the e-mail kinds) and as far as its account goes
// (channel.Connected).
func (s *Server) channelConnected(ch *briefing.Channel) bool {
	if k, ok := channel.Lookup(ch.Kind); ok && k.NeedsMail && s.mailer == nil {
		return false
	}
	return channel.Connected(*ch)
}
