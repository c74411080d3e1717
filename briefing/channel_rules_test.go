package briefing

import "testing"

func TestPermanentChannelRules(t *testing.T) {
	news := &Channel{Name: NewsroomName, Kind: KindNewsroom}
	if err := CanDisableChannel(news); err == nil {
		t.Error("CanDisableChannel(newsroom) = nil, want a conflict")
	}
	if err := CanCreateChannel(news); err == nil {
		t.Error("CanCreateChannel(newsroom) = nil, want a conflict: it exists once")
	}
	other := &Channel{Name: "x", Kind: testKind}
	if CanDisableChannel(other) != nil || CanCreateChannel(other) != nil {
		t.Error("a non-permanent kind was refused")
	}
}
