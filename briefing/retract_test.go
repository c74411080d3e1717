package briefing

import "testing"

func TestRetraction(t *testing.T) {
	sent := func(postID string) *Delivery {
		return &Delivery{State: DeliverySent, Action: ActionPost, PostID: postID}
	}
	for _, tc := range []struct {
		name  string
		d     *Delivery
		mode  RetractMode
		state DeliveryState
		ok    bool
	}{
		{"x post with its id", sent("181"), RetractByAPI, DeliveryPending, true},
		{"a duplicate noted without an id", sent(""), RetractByAPI, DeliveryAwaiting, true},
		{"webhook", sent(""), RetractByEvent, DeliveryPending, true},
		{"slack", sent(""), RetractByPerson, DeliveryAwaiting, true},
		{"newsroom", sent(""), RetractLocal, "", false},
		{"never sent", &Delivery{State: DeliveryFailed, Action: ActionPost}, RetractByAPI, "", false},
		{"unconfirmed", &Delivery{State: DeliveryUnconfirmed, Action: ActionPost}, RetractByAPI, "", false},
		{"a retraction", &Delivery{State: DeliverySent, Action: ActionRetract, PostID: "1"}, RetractByAPI, "", false},
	} {
		state, ok := Retraction(tc.d, KindSpec{Retract: tc.mode})
		if state != tc.state || ok != tc.ok {
			t.Errorf("%s: Retraction = %q, %v; want %q, %v", tc.name, state, ok, tc.state, tc.ok)
		}
	}
}
