package embargo

import (
	"strings"
	"testing"

	"firsthand/briefing"
)

// TestRevisedMailCarriesAPersonalLink: the mail after a material revision
// asks each person to acknowledge again, so it carries their own sign-in
// link, as the briefing mail and the reminder do.
func TestRevisedMailCarriesAPersonalLink(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	srv := newSMTP(t, 0)
	author := addUser(t, st, "author@example.com", "PR", briefing.RoleAuthor)
	e1 := addUser(t, st, "e1@example.com", "Sales")
	e2 := addUser(t, st, "e2@example.com", "Sales")
	a := draft(t, st, author, briefing.Policy{})
	start(t, st, Options{Mailer: srv.mailer(t), MailBackoff: fastBackoff})
	publish(t, st, a)
	waitMailed(t, st, srv, 2)

	body := a.Body + "\n\nThe date moved to 3 March."
	if _, err := st.Revise(a.ID, author, briefing.Revision{Body: &body, Material: true, Note: "The date moved"}); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{}
	for _, m := range waitMailed(t, st, srv, 4)[2:] {
		if !strings.HasPrefix(m.subject, "Changed: ") {
			t.Errorf("mail to %s: subject %q, want the revision's", m.to, m.subject)
		}
		_, link, ok := strings.Cut(m.body, "https://news.example.com/b/fl_")
		if !ok {
			t.Errorf("the revision mail to %s has no personal link:\n%s", m.to, m.body)
			continue
		}
		links[m.to] = strings.Fields(link)[0]
	}
	if len(links) != 2 || links[e1.Email] == links[e2.Email] {
		t.Errorf("personal links %v: want one of its own for each of %s and %s", links, e1.Email, e2.Email)
	}
}
