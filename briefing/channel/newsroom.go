package channel

import (
	"context"
	"encoding/json"
	"errors"

	"firsthand/briefing"
)

// The newsroom is Firsthand's own public page (/news and its feed). One
// exists from the first start and cannot be removed or disabled; its
// delivery is local: sent at release, with nothing to post.
func init() {
	register(Kind{
		KindSpec: briefing.KindSpec{
			Kind: briefing.KindNewsroom, Label: "Newsroom and feed", Order: 10,
			Retry: briefing.RetryLocal, Permanent: true,
			Retract: briefing.RetractLocal,
			Validate: func(raw json.RawMessage) (json.RawMessage, error) {
				var c map[string]any
				if err := json.Unmarshal(raw, &c); err != nil || len(c) != 0 {
					return nil, briefing.Invalid("config", "the newsroom takes no config")
				}
				return json.RawMessage("{}"), nil
			},
		},
		Hint:  "Your public newsroom at /news and its Atom feed: every released item has its page there.",
		Where: func(json.RawMessage) string { return "/news" },
		New: func(briefing.Channel, Env) (Sender, error) {
			return nil, errors.New("the newsroom is local: its delivery is sent at release")
		},
		Check: func(context.Context, briefing.Channel, Env) Result {
			return Result{OK: true, Message: "the newsroom is part of Firsthand: always ready"}
		},
	})
}
