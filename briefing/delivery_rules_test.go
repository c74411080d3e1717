package briefing

import (
	"errors"
	"testing"
	"time"
)

func TestCanRetry(t *testing.T) {
	released, withdrawn := &Announcement{State: StateReleased}, &Announcement{State: StateWithdrawn}
	for _, tt := range []struct {
		ann       *Announcement
		delivery  DeliveryState
		notPosted bool
		want      error
	}{
		{released, DeliveryFailed, false, nil},
		{released, DeliveryUnconfirmed, false, ErrInvalid}, // the caller must state it is not posted
		{released, DeliveryUnconfirmed, true, nil},
		{released, DeliveryPending, false, ErrConflict},
		{released, DeliverySent, true, ErrConflict},
		{released, DeliveryAwaiting, true, ErrConflict},
		{withdrawn, DeliveryFailed, false, ErrConflict},
	} {
		err := CanRetry(tt.ann, &Delivery{State: tt.delivery}, tt.notPosted)
		if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("CanRetry(%s, %s, not posted %v) = %v, want %v", tt.ann.State, tt.delivery, tt.notPosted, err, tt.want)
		}
	}
}

func TestCanConfirmAndMayConfirm(t *testing.T) {
	for st, ok := range map[DeliveryState]bool{DeliveryAwaiting: true, DeliveryUnconfirmed: true, DeliverySent: false, DeliveryPending: false, DeliveryFailed: false} {
		if got := CanConfirm(&Delivery{State: st}) == nil; got != ok {
			t.Errorf("CanConfirm(%s) allowed = %v, want %v", st, got, ok)
		}
	}
	assignees := []string{"poster@example.com"}
	for _, tt := range []struct {
		u    *User
		want bool
	}{
		{&User{Email: "Poster@Example.com", Roles: []Role{RoleEmployee}}, true},
		{&User{Email: "other@example.com", Roles: []Role{RoleEmployee}}, false},
		{&User{Email: "a@example.com", Roles: []Role{RoleAuthor}}, true},
		{&User{Email: "m@example.com", Roles: []Role{RoleManager}}, true},
	} {
		err := MayConfirm(tt.u, assignees)
		if (err == nil) != tt.want || (err != nil && !errors.Is(err, ErrNotFound)) {
			t.Errorf("MayConfirm(%s %v) = %v, want allowed %v (else not found)", tt.u.Email, tt.u.Roles, err, tt.want)
		}
	}
}

func TestUnconfirmedAfterNoAnswer(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	old, recent := now.Add(-time.Hour), now.Add(-59*time.Minute)
	noKey := KindSpec{Retry: RetryUnconfirmedOnNoAnswer}
	hour := KindSpec{Retry: RetryIdempotent, IdempotencyWindow: time.Hour}
	forever := KindSpec{Retry: RetryIdempotent}
	for _, tt := range []struct {
		name  string
		k     KindSpec
		first *time.Time
		want  bool
	}{
		{"no key", noKey, &recent, true},
		{"key within its hour", hour, &recent, false},
		{"key past its hour", hour, &old, true},
		{"key for ever", forever, &old, false},
	} {
		if got := UnconfirmedAfterNoAnswer(tt.k, &Delivery{FirstUnansweredAt: tt.first}, now); got != tt.want {
			t.Errorf("%s: UnconfirmedAfterNoAnswer = %v, want %v", tt.name, got, tt.want)
		}
	}
	if InitialDeliveryState(KindSpec{Retry: RetryLocal}) != DeliverySent || InitialDeliveryState(KindSpec{Retry: RetryPerson}) != DeliveryAwaiting || InitialDeliveryState(hour) != DeliveryPending {
		t.Error("InitialDeliveryState: want sent for local, awaiting for a person, pending otherwise")
	}
	d := &Delivery{State: DeliveryAwaiting, CreatedAt: now.Add(-ManualReminderAfter)}
	if !DueManualReminder(d, now) {
		t.Error("DueManualReminder after 30 minutes = false")
	}
	d.RemindedAt = &now
	if DueManualReminder(d, now) {
		t.Error("DueManualReminder a second time = true, want once")
	}
}
