package channel

import "context"

// Posted is what a platform answered to a post: its id (what a retraction
// deletes), its public address, and a note for people when the outcome is
// not plain (a duplicate recognised as the earlier post).
type Posted struct {
	ID   string
	URL  string
	Note string
}

// Poster is a Sender that learns where its post went. The platforms'
// senders are Posters; the outbox stores what they return with the
// delivery (post_url).
type Poster interface {
	Sender
	Post(ctx context.Context, m Message) (Posted, error)
}

// Deliver makes one attempt with s and returns the post where s says.
func Deliver(ctx context.Context, s Sender, m Message) (Posted, error) {
	if p, ok := s.(Poster); ok {
		return p.Post(ctx, m)
	}
	return Posted{}, s.Send(ctx, m)
}

// Retracter is a Sender whose platform lets a post be taken down again:
// the retraction deliveries of a withdrawn announcement call it with the
// post's id as its Post returned it (or the withdrawn announcement's
// message, for a webhook).
type Retracter interface {
	Retract(ctx context.Context, m Message, postID string) error
}

// saveProgress stores what a retry of this delivery needs, before the
// request that needs it goes out. Without a Save (a test send) it is kept
// in the message only.
func (m *Message) saveProgress(key, value string) error {
	if m.Progress == nil {
		m.Progress = map[string]string{}
	}
	m.Progress[key] = value
	if m.Save == nil {
		return nil
	}
	if err := m.Save(key, value); err != nil {
		return &Error{Msg: "storing the delivery's progress failed, so nothing was sent: " + err.Error(), err: err}
	}
	return nil
}
