package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"firsthand/store"
)

func TestPageMessageTypesAndTheEditorAsksForTheType(t *testing.T) {
	a := newPgApp(t)
	o := a.org()
	press := a.webhookChannel("Press wire")
	other := a.webhookChannel("Partners")
	pgWant(t, "author on the types page", a.get(o.author, "/admin/message-types"), http.StatusForbidden)
	pgContains(t, "types page", a.get(o.admin, "/admin/message-types").Body, "No types yet", `name="channel" value="`+press.ID+`"`)

	r := a.post(o.admin, "/admin/message-types", url.Values{"name": {" "}, "channel": {press.ID}})
	pgWant(t, "a type without a name", r, http.StatusUnprocessableEntity)
	pgContains(t, "a type without a name", r.Body, `id="type_name-err"`)
	r = a.post(o.admin, "/admin/message-types", url.Values{"name": {"Price change"}, "channel": {press.ID}, "departments": {"Sales"}, "threshold": {"60"}})
	pgWant(t, "add a type", r, http.StatusSeeOther)
	pgContains(t, "types page", a.get(o.admin, "/admin/message-types").Body, "Price change", "Press wire", "for Sales", "60% must acknowledge")
	types, err := a.st.MessageTypes()
	if err != nil || len(types) != 1 {
		t.Fatalf("types: %v, %v", types, err)
	}

	// The editor asks for the type first, then starts from its defaults
	// and offers only its channels.
	r = a.get(o.author, "/announcements/new")
	pgWant(t, "choose the type", r, http.StatusOK)
	pgContains(t, "choose the type", r.Body, "what kind of news is it?", `href="/announcements/new?type=`+types[0].ID+`"`)
	r = a.get(o.author, "/announcements/new?type="+types[0].ID)
	pgContains(t, "editor of a type", r.Body, `name="type_id" value="`+types[0].ID+`"`, "Message type: <strong>Price change</strong>", `value="60"`, `value="`+press.ID+`"`)
	if strings.Contains(r.Body, `value="`+other.ID+`"`) {
		t.Errorf("the editor offers a channel outside the type")
	}
	form := pgDraftForm()
	form.Set("type_id", types[0].ID)
	form.Add("channel", other.ID)
	r = a.post(o.author, "/announcements/new", form)
	pgWant(t, "a channel outside the type", r, http.StatusUnprocessableEntity)
	pgContains(t, "a channel outside the type", r.Body, "is not one of the channels of the type")
	form = pgDraftForm()
	form.Set("type_id", types[0].ID)
	r = a.post(o.author, "/announcements/new", form)
	pgWant(t, "save a typed draft", r, http.StatusSeeOther)
	list, _, err := a.st.Announcements(store.AnnouncementFilter{})
	if err != nil || len(list) != 1 || list[0].TypeID != types[0].ID {
		t.Fatalf("the saved draft: %+v, %v", list, err)
	}
}
