package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"firsthand/briefing"
)

// readAnnouncement is Store.Announcement for a test that expects it to work.
func readAnnouncement(tb testing.TB, s *Store, id string) *briefing.Announcement {
	tb.Helper()
	a, err := s.Announcement(id)
	if err != nil {
		tb.Fatalf("Announcement(%s): %v", id, err)
	}
	return a
}

func TestDecodeCacheNeverStale(t *testing.T) {
	s, clk := openStore(t)
	d := mkDraft(t, s, briefing.Announcement{
		Title: "Version 0", Body: "Body 0", Audience: briefing.Audience{Departments: []string{"Dept 0"}},
	})
	readAnnouncement(t, s, d.ID) // both caches now hold version 0

	for i := 1; i <= 3; i++ {
		clk.Add(time.Minute)
		title, body, dept := fmt.Sprintf("Version %d", i), fmt.Sprintf("Body %d", i), fmt.Sprintf("Dept %d", i)
		_, err := s.UpdateDraft(d.ID, "user:author", func(a *briefing.Announcement) error {
			a.Title, a.Body, a.Audience.Departments = title, body, []string{dept}
			return nil
		})
		mustNoErr(t, err)
		got := readAnnouncement(t, s, d.ID)
		if got.Title != title || got.Body != body || !slices.Equal(got.Audience.Departments, []string{dept}) {
			t.Errorf("after update %d: Announcement = %q, %q, %v; want %q, %q, [%s]",
				i, got.Title, got.Body, got.Audience.Departments, title, body, dept)
		}
		if !got.UpdatedAt.Equal(clk.Now()) {
			t.Errorf("after update %d: UpdatedAt = %v, want %v", i, got.UpdatedAt, clk.Now())
		}
		list, _, err := s.Announcements(AnnouncementFilter{})
		mustNoErr(t, err)
		if len(list) != 1 || list[0].Title != title {
			t.Errorf("after update %d: Announcements = %v, want one titled %q", i, list, title)
		}
	}

	// Only the body changes and the clock stands still: the metadata record
	// is byte for byte the same, the body record is not.
	_, err := s.UpdateDraft(d.ID, "user:author", func(a *briefing.Announcement) error {
		a.Body = "Only the body changed"
		return nil
	})
	mustNoErr(t, err)
	if got := readAnnouncement(t, s, d.ID); got.Body != "Only the body changed" || got.Title != "Version 3" {
		t.Errorf("after a body-only update: %q, %q; want %q, %q", got.Title, got.Body, "Version 3", "Only the body changed")
	}

	// The state change of a publish is seen by the next reader.
	mkUsers(t, s, 1, inDept("Dept 3"))
	_, err = s.Publish(d.ID, "user:author")
	mustNoErr(t, err)
	if got := readAnnouncement(t, s, d.ID); got.State != briefing.StateBriefing || got.HTML == "" ||
		!slices.Equal(got.Departments, []string{"Dept 3"}) {
		t.Errorf("after publish: state %s, HTML %q, departments %v; want briefing, rendered, [Dept 3]",
			got.State, got.HTML, got.Departments)
	}
}

// Records too large to cache are still read, and read fresh.
func TestDecodeCacheLargeBody(t *testing.T) {
	s, _ := openStore(t)
	big := strings.Repeat("a", decodedBodies.maxRaw+1)
	d := mkDraft(t, s, briefing.Announcement{Body: big, Audience: briefing.Audience{All: true}})
	if got := readAnnouncement(t, s, d.ID); got.Body != big {
		t.Errorf("Body has %d bytes, want %d", len(got.Body), len(big))
	}
	bigger := big + "b"
	_, err := s.UpdateDraft(d.ID, "user:author", func(a *briefing.Announcement) error { a.Body = bigger; return nil })
	mustNoErr(t, err)
	if got := readAnnouncement(t, s, d.ID); got.Body != bigger {
		t.Errorf("after update: Body has %d bytes, want %d", len(got.Body), len(bigger))
	}
}

func TestDecodeCacheCallersOwnTheirCopy(t *testing.T) {
	s, _ := openStore(t)
	mkUsers(t, s, 2, func(i int) string { return []string{"Sales", "Support"}[i] })
	c := mkChannel(t, s, "Press")
	p := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{Departments: []string{"Sales", "Support"}},
		Channels: []briefing.ChannelText{{ChannelID: c.ID, Text: "For the press"}},
	})
	// What Publish returned is not the cache's: it is what every reader must get.
	wantJSON, err := json.Marshal(p)
	mustNoErr(t, err)
	wantDepts := []string{"Sales", "Support"}

	check := func(when string, got *briefing.Announcement) {
		t.Helper()
		if b, _ := json.Marshal(got); string(b) != string(wantJSON) {
			t.Errorf("%s: next reader got\n%s\nwant\n%s", when, b, wantJSON)
		}
		if !slices.Equal(got.Departments, wantDepts) {
			t.Errorf("%s: Departments = %v, want %v", when, got.Departments, wantDepts)
		}
	}
	mutate := func(a *briefing.Announcement) {
		a.Title = "changed"
		a.Channels[0].Text = "changed"
		a.Channels[0].ChannelID = "999"
		a.Audience.Departments[0] = "changed"
		a.Departments[0] = "changed"
		*a.PublishedAt = a.PublishedAt.Add(time.Hour)
		a.Channels = append(a.Channels, briefing.ChannelText{ChannelID: "1000"})
		a.Departments = append(a.Departments[:1], "appended")
	}

	// Twice: once a copy from a fresh decoding, once a copy from the cache.
	for i := range 2 {
		a := readAnnouncement(t, s, p.ID)
		mutate(a)
		check(fmt.Sprintf("Announcement, round %d", i), readAnnouncement(t, s, p.ID))
	}

	list, _, err := s.Announcements(AnnouncementFilter{})
	mustNoErr(t, err)
	mutate(list[0])
	check("Announcements", readAnnouncement(t, s, p.ID))

	// A function given the record inside a write changes its own copy too.
	d := mkDraft(t, s, briefing.Announcement{
		Audience: briefing.Audience{Departments: []string{"Sales"}},
		Channels: []briefing.ChannelText{{ChannelID: c.ID, Text: "Draft text"}},
	})
	readAnnouncement(t, s, d.ID)
	_, err = s.UpdateDraft(d.ID, "user:author", func(a *briefing.Announcement) error {
		a.Title = "changed"
		a.Audience.Departments[0] = "changed"
		a.Channels[0].Text = "changed"
		return briefing.Invalid("title", "the test refuses it")
	})
	wantKind(t, err, briefing.ErrInvalid)
	got := readAnnouncement(t, s, d.ID)
	if got.Title != d.Title || !slices.Equal(got.Audience.Departments, []string{"Sales"}) || got.Channels[0].Text != "Draft text" {
		t.Errorf("after a refused update: %q, %v, %q; want %q, [Sales], %q",
			got.Title, got.Audience.Departments, got.Channels[0].Text, d.Title, "Draft text")
	}
}

// A write that the cache saw but that was rolled back leaves the committed
// record in force.
func TestDecodeCacheRolledBackWrite(t *testing.T) {
	s, _ := openStore(t)
	d := mkDraft(t, s, briefing.Announcement{Title: "Committed", Body: "Committed body", Audience: briefing.Audience{All: true}})
	readAnnouncement(t, s, d.ID)

	errRollback := errors.New("roll back")
	err := s.db.Update(func(tx *bolt.Tx) error {
		key := u64(mustID(d.ID))
		a, err := getAnnouncement(tx, key)
		if err != nil {
			return err
		}
		mustNoErr(t, loadBody(tx, a))
		a.Title, a.Body = "Rolled back", "Rolled back body"
		mustNoErr(t, putAnnouncement(tx, a))
		mustNoErr(t, putBody(tx, a))
		// Read inside the transaction, so the caches learn the uncommitted record.
		b, err := getAnnouncement(tx, key)
		if err != nil {
			return err
		}
		mustNoErr(t, loadBody(tx, b))
		if b.Title != "Rolled back" || b.Body != "Rolled back body" {
			t.Errorf("inside the transaction: %q, %q; want the uncommitted record", b.Title, b.Body)
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatalf("Update = %v, want %v", err, errRollback)
	}
	for i := range 2 {
		got := readAnnouncement(t, s, d.ID)
		if got.Title != "Committed" || got.Body != "Committed body" {
			t.Errorf("read %d after rollback: %q, %q; want %q, %q", i, got.Title, got.Body, "Committed", "Committed body")
		}
	}
	list, _, err := s.Announcements(AnnouncementFilter{})
	mustNoErr(t, err)
	if len(list) != 1 || list[0].Title != "Committed" {
		t.Errorf("Announcements after rollback = %v, want one titled Committed", list)
	}
}

// The caches are shared by every Store in the process; ids are not.
func TestDecodeCacheTwoStores(t *testing.T) {
	s1, _ := openStore(t)
	s2, _ := openStore(t)
	type want struct{ title, body, dept string }
	wants := map[*Store][]want{
		s1: {{"Store one", "Body one", "One"}, {"Same title", "Same metadata, body one", "Same"}},
		s2: {{"Store two", "Body two", "Two"}, {"Same title", "Same metadata, body two", "Same"}},
	}
	ids := map[*Store][]string{}
	for _, s := range []*Store{s1, s2} {
		for _, w := range wants[s] {
			a := mkDraft(t, s, briefing.Announcement{Title: w.title, Body: w.body, Audience: briefing.Audience{Departments: []string{w.dept}}})
			ids[s] = append(ids[s], a.ID)
		}
	}
	if !slices.Equal(ids[s1], ids[s2]) {
		t.Fatalf("ids %v and %v: the test needs the same ids in both stores", ids[s1], ids[s2])
	}
	for round := range 3 {
		for n, s := range []*Store{s1, s2, s1, s2} {
			for i, w := range wants[s] {
				got := readAnnouncement(t, s, ids[s][i])
				if got.Title != w.title || got.Body != w.body || !slices.Equal(got.Audience.Departments, []string{w.dept}) {
					t.Errorf("round %d, store %d, announcement %s: %q, %q, %v; want %q, %q, [%s]",
						round, n%2+1, ids[s][i], got.Title, got.Body, got.Audience.Departments, w.title, w.body, w.dept)
				}
			}
		}
	}
}

func TestDecodeCacheBound(t *testing.T) {
	c := newDecodeCache(3, 8, func(s *string) *string { v := *s; return &v })
	for i := range 20 {
		key, raw, v := u64(uint64(i)), []byte(fmt.Sprint(i)), fmt.Sprint("decoded ", i)
		c.put(key, raw, &v)
		if len(c.m) > 3 {
			t.Fatalf("after %d puts the cache holds %d entries, want at most 3", i+1, len(c.m))
		}
		if got, ok := c.get(key, raw); !ok || *got != v {
			t.Errorf("get(%d) right after put = %v, %v; want %q", i, got, ok, v)
		}
	}
	if len(c.m) != 3 {
		t.Errorf("the cache holds %d entries, want 3", len(c.m))
	}
	// Replacing an entry evicts nothing.
	before := len(c.m)
	v := "decoded again"
	c.put(u64(19), []byte("19 again"), &v)
	if len(c.m) != before {
		t.Errorf("replacing an entry: %d entries, want %d", len(c.m), before)
	}
	// Records above maxRaw are not kept.
	long, lv := []byte("123456789"), "long"
	c.put(u64(100), long, &lv)
	if _, ok := c.get(u64(100), long); ok {
		t.Errorf("a %d-byte record is cached, want none above 8", len(long))
	}
	for _, cache := range []struct {
		name     string
		max, raw int
	}{{"announcements", decodedAnnouncements.max, decodedAnnouncements.maxRaw}, {"bodies", decodedBodies.max, decodedBodies.maxRaw}} {
		if cache.max <= 0 || cache.raw <= 0 {
			t.Errorf("the %s cache is bounded by %d entries of %d bytes, want both positive", cache.name, cache.max, cache.raw)
		}
	}
}

// An entry answers only for the exact bytes it was decoded from, even if
// the memory those bytes came from is reused (as bbolt's is).
func TestDecodeCacheMatchesBytes(t *testing.T) {
	c := newDecodeCache(10, 100, func(s *string) *string { v := *s; return &v })
	raw, v := []byte(`{"title":"A"}`), "A"
	c.put(u64(1), raw, &v)
	v = "changed after put"
	if got, ok := c.get(u64(1), []byte(`{"title":"A"}`)); !ok || *got != "A" {
		t.Errorf("get = %v, %v; want A", got, ok)
	}
	if _, ok := c.get(u64(1), []byte(`{"title":"B"}`)); ok {
		t.Error("get with other bytes hits, want a miss")
	}
	if _, ok := c.get(u64(2), raw); ok {
		t.Error("get of another key hits, want a miss")
	}
	raw[10] = 'B' // the memory is reused for another record
	if _, ok := c.get(u64(1), raw); ok {
		t.Error("get hits for bytes written after put into the same memory, want a miss")
	}
	got, _ := c.get(u64(1), []byte(`{"title":"A"}`))
	*got = "changed by the caller"
	if again, ok := c.get(u64(1), []byte(`{"title":"A"}`)); !ok || *again != "A" {
		t.Errorf("get after the caller changed its copy = %v, %v; want A", again, ok)
	}
}

// cloneAnnouncement must copy every slice and pointer of the type, including
// ones added after it was written.
func TestCloneAnnouncementSharesNothing(t *testing.T) {
	var a briefing.Announcement
	fillValue(reflect.ValueOf(&a).Elem())
	c := cloneAnnouncement(&a)
	if !reflect.DeepEqual(*c, a) {
		t.Errorf("clone differs:\n got %+v\nwant %+v", *c, a)
	}
	for _, path := range sharedMemory(reflect.ValueOf(a), reflect.ValueOf(*c), "Announcement") {
		t.Errorf("%s is shared between the cache and the caller: copy it in cloneAnnouncement", path)
	}
}

// fillValue sets every exported field reachable from v: pointers point,
// slices and maps hold one element.
func fillValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillValue(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillValue(v.Index(0))
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillValue(k)
		fillValue(e)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillValue(v.Field(i))
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(0.5)
	}
}

// sharedMemory lists the paths at which a and b point to the same memory.
func sharedMemory(a, b reflect.Value, path string) []string {
	var out []string
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return nil
		}
		if a.Pointer() == b.Pointer() {
			return []string{path}
		}
		return sharedMemory(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return []string{path}
		}
		for i := range min(a.Len(), b.Len()) {
			out = append(out, sharedMemory(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return []string{path}
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if f := a.Type().Field(i); f.IsExported() {
				out = append(out, sharedMemory(a.Field(i), b.Field(i), path+"."+f.Name)...)
			}
		}
	}
	return out
}

// Readers race with each other and with a writer; each changes its own copy.
// Run with -race.
func TestDecodeCacheConcurrentReaders(t *testing.T) {
	s, _ := openStore(t)
	mkUsers(t, s, 4, func(i int) string { return []string{"Sales", "Support"}[i%2] })
	c := mkChannel(t, s, "Press")
	p := mkPublished(t, s, briefing.Announcement{
		Audience: briefing.Audience{Departments: []string{"Sales", "Support"}},
		Channels: []briefing.ChannelText{{ChannelID: c.ID, Text: "For the press"}},
	})
	d := mkDraft(t, s, briefing.Announcement{Title: "v0", Body: "body of v0", Audience: briefing.Audience{Departments: []string{"Sales"}}})

	const readers, reads, writes = 8, 100, 20
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; i <= writes; i++ {
			_, err := s.UpdateDraft(d.ID, "user:author", func(a *briefing.Announcement) error {
				a.Title, a.Body = fmt.Sprintf("v%d", i), fmt.Sprintf("body of v%d", i)
				return nil
			})
			if err != nil {
				t.Errorf("UpdateDraft %d: %v", i, err)
				return
			}
		}
	})
	for r := range readers {
		wg.Go(func() {
			mine := fmt.Sprint("reader ", r)
			for range reads {
				a, err := s.Announcement(p.ID)
				if err != nil {
					t.Errorf("Announcement(%s): %v", p.ID, err)
					return
				}
				if !slices.Equal(a.Departments, []string{"Sales", "Support"}) || a.Channels[0].Text != "For the press" ||
					!slices.Equal(a.Audience.Departments, []string{"Sales", "Support"}) {
					t.Errorf("%s got %v, %v, %q: another reader's change", mine, a.Departments, a.Audience.Departments, a.Channels[0].Text)
					return
				}
				a.Departments[0], a.Audience.Departments[1], a.Channels[0].Text = mine, mine, mine

				b, err := s.Announcement(d.ID)
				if err != nil {
					t.Errorf("Announcement(%s): %v", d.ID, err)
					return
				}
				if b.Body != "body of "+b.Title {
					t.Errorf("%s read title %q with body %q: not one record", mine, b.Title, b.Body)
					return
				}
				b.Audience.Departments[0] = mine

				list, _, err := s.Announcements(AnnouncementFilter{})
				if err != nil {
					t.Errorf("Announcements: %v", err)
					return
				}
				for _, a := range list {
					if a.Audience.Departments[0] == mine {
						t.Errorf("%s sees its own change in Announcements", mine)
						return
					}
					a.Audience.Departments[0] = mine
				}
			}
		})
	}
	wg.Wait()
	if got := readAnnouncement(t, s, d.ID); got.Title != fmt.Sprintf("v%d", writes) {
		t.Errorf("after the writer: title %q, want v%d", got.Title, writes)
	}
}
