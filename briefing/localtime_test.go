package briefing

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("time zone %s: %v", name, err)
	}
	return loc
}

func TestLocalTime(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	type ambiguity struct {
		earlier, later         time.Time
		earlierAbbr, laterAbbr string
	}
	cases := []struct {
		name, zone, typed string
		want              time.Time  // a unique instant
		ambiguous         *ambiguity // the clocks show it twice
		invalid           []string   // an Invalid error containing these
	}{
		{name: "winter in Berlin", zone: "Europe/Berlin", typed: "2026-12-01T19:33", want: utc("2026-12-01T18:33:00Z")},
		{name: "summer in Berlin", zone: "Europe/Berlin", typed: "2030-06-01T09:00", want: utc("2030-06-01T07:00:00Z")},
		{name: "seconds and a space", zone: "Europe/Berlin", typed: " 2026-12-01 19:33:20 ", want: utc("2026-12-01T18:33:20Z")},
		{name: "just before the gap", zone: "Europe/Berlin", typed: "2027-03-28T01:59", want: utc("2027-03-28T00:59:00Z")},
		{name: "the end of the gap", zone: "Europe/Berlin", typed: "2027-03-28T03:00", want: utc("2027-03-28T01:00:00Z")},
		{name: "in the gap", zone: "Europe/Berlin", typed: "2027-03-28T02:30",
			invalid: []string{"2027-03-28 02:30 does not exist in Europe/Berlin: the clocks go from 02:00 to 03:00 that night; choose 03:00 or later"}},
		{name: "the start of the gap", zone: "Europe/Berlin", typed: "2027-03-28T02:00", invalid: []string{"does not exist"}},
		{name: "in the overlap", zone: "Europe/Berlin", typed: "2026-10-25T02:30", ambiguous: &ambiguity{
			earlier: utc("2026-10-25T00:30:00Z"), later: utc("2026-10-25T01:30:00Z"), earlierAbbr: "CEST", laterAbbr: "CET"}},
		{name: "the start of the overlap", zone: "Europe/Berlin", typed: "2026-10-25T02:00", ambiguous: &ambiguity{
			earlier: utc("2026-10-25T00:00:00Z"), later: utc("2026-10-25T01:00:00Z"), earlierAbbr: "CEST", laterAbbr: "CET"}},
		{name: "the end of the overlap", zone: "Europe/Berlin", typed: "2026-10-25T03:00", want: utc("2026-10-25T02:00:00Z")},
		{name: "UTC", zone: "UTC", typed: "2027-03-28T02:30", want: utc("2027-03-28T02:30:00Z")},
		{name: "New York's gap", zone: "America/New_York", typed: "2027-03-14T02:15",
			invalid: []string{"the clocks go from 02:00 to 03:00", "choose 03:00 or later"}},
		// Lord Howe Island moves its clocks by half an hour.
		{name: "Lord Howe in summer", zone: "Australia/Lord_Howe", typed: "2027-01-10T12:00", want: utc("2027-01-10T01:00:00Z")},
		{name: "Lord Howe in winter", zone: "Australia/Lord_Howe", typed: "2026-07-10T12:00", want: utc("2026-07-10T01:30:00Z")},
		{name: "Lord Howe's gap", zone: "Australia/Lord_Howe", typed: "2026-10-04T02:15",
			invalid: []string{"2026-10-04 02:15 does not exist in Australia/Lord_Howe: the clocks go from 02:00 to 02:30 that night; choose 02:30 or later"}},
		{name: "Lord Howe's overlap", zone: "Australia/Lord_Howe", typed: "2026-04-05T01:45", ambiguous: &ambiguity{
			earlier: utc("2026-04-04T14:45:00Z"), later: utc("2026-04-04T15:15:00Z"), earlierAbbr: "+11", laterAbbr: "+1030"}},
		{name: "empty", zone: "Europe/Berlin", typed: "", invalid: []string{"is not a date and a time"}},
		{name: "words", zone: "Europe/Berlin", typed: "next tuesday", invalid: []string{`"next tuesday" is not a date and a time`}},
		{name: "no time", zone: "Europe/Berlin", typed: "2026-12-01", invalid: []string{"is not a date and a time"}},
		{name: "a zone of its own", zone: "Europe/Berlin", typed: "2026-12-01T19:33+01:00", invalid: []string{"is not a date and a time"}},
		{name: "no such day", zone: "Europe/Berlin", typed: "2026-02-30T10:00", invalid: []string{"is not a date and a time"}},
		{name: "no such hour", zone: "Europe/Berlin", typed: "2026-02-03T25:00", invalid: []string{"is not a date and a time"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loc := mustZone(t, tc.zone)
			got, err := LocalTime("policy.not_before", tc.typed, loc)
			var amb *AmbiguousTime
			switch {
			case tc.ambiguous != nil:
				if !errors.As(err, &amb) {
					t.Fatalf("LocalTime(%q) = %v, %v; want it ambiguous", tc.typed, got, err)
				}
				w := tc.ambiguous
				if !amb.Earlier.Equal(w.earlier) || !amb.Later.Equal(w.later) {
					t.Errorf("candidates: got %v and %v, want %v and %v", amb.Earlier, amb.Later, w.earlier, w.later)
				}
				if a, _ := amb.Earlier.Zone(); a != w.earlierAbbr {
					t.Errorf("the earlier candidate's zone: got %q, want %q", a, w.earlierAbbr)
				}
				if a, _ := amb.Later.Zone(); a != w.laterAbbr {
					t.Errorf("the later candidate's zone: got %q, want %q", a, w.laterAbbr)
				}
				if amb.Field != "policy.not_before" || ErrorField(err) != "policy.not_before" || !errors.Is(err, ErrInvalid) {
					t.Errorf("the ambiguity is not an Invalid error of the field: %#v", err)
				}
				if !strings.Contains(ErrorMessage(err), "happens twice in "+tc.zone) {
					t.Errorf("message: got %q", ErrorMessage(err))
				}
			case tc.invalid != nil:
				if !errors.Is(err, ErrInvalid) || errors.As(err, &amb) {
					t.Fatalf("LocalTime(%q) = %v, %v; want an Invalid error", tc.typed, got, err)
				}
				if ErrorField(err) != "policy.not_before" {
					t.Errorf("field: got %q", ErrorField(err))
				}
				for _, want := range tc.invalid {
					if !strings.Contains(ErrorMessage(err), want) {
						t.Errorf("message: got %q, want it to contain %q", ErrorMessage(err), want)
					}
				}
			default:
				if err != nil || !got.Equal(tc.want) || got.Location() != time.UTC {
					t.Errorf("LocalTime(%q) = %v, %v; want %v in UTC", tc.typed, got, err, tc.want)
				}
			}
		})
	}
}

// TestLocalTimeOverlapMessage: the overlap's message says which way the
// clocks go, for a person who does not know the abbreviations.
func TestLocalTimeOverlapMessage(t *testing.T) {
	_, err := LocalTime("deadline", "2026-10-25T02:30", mustZone(t, "Europe/Berlin"))
	want := "2026-10-25 02:30 happens twice in Europe/Berlin: the clocks go back from 03:00 to 02:00 that night; choose the first or the second time"
	if got := ErrorMessage(err); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLocalTimeEveryMinuteOfAYear walks a year in a few zones: every
// reading is unique, skipped or twice, and a unique one reads back as
// typed.
func TestLocalTimeEveryMinuteOfAYear(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "Australia/Lord_Howe", "America/Santiago", "Asia/Kolkata"} {
		loc := mustZone(t, name)
		var gaps, twice int
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		for m := time.Duration(0); m < 365*24*time.Hour; m += 15 * time.Minute {
			typed := start.Add(m).Format("2006-01-02T15:04")
			got, err := LocalTime("f", typed, loc)
			var amb *AmbiguousTime
			switch {
			case err == nil:
				if back := got.In(loc).Format("2006-01-02T15:04"); back != typed {
					t.Fatalf("%s: %s gave %v, which reads %s", name, typed, got, back)
				}
			case errors.As(err, &amb):
				twice++
				if !amb.Earlier.Before(amb.Later) || amb.Earlier.Format("2006-01-02T15:04") != typed || amb.Later.Format("2006-01-02T15:04") != typed {
					t.Fatalf("%s: %s: candidates %v and %v", name, typed, amb.Earlier, amb.Later)
				}
			case errors.Is(err, ErrInvalid):
				gaps++
			default:
				t.Fatalf("%s: %s: %v", name, typed, err)
			}
		}
		if gaps != twice {
			t.Errorf("%s: %d readings skipped but %d twice", name, gaps, twice)
		}
		if name == "Asia/Kolkata" && gaps != 0 {
			t.Errorf("%s has no daylight saving time, yet %d readings were skipped", name, gaps)
		}
		if name != "Asia/Kolkata" && gaps == 0 {
			t.Errorf("%s: no reading was skipped in 2026", name)
		}
	}
}
