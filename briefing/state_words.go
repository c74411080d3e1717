package briefing

// Phrase says a state the way a sentence needs it: "the announcement is in
// briefing", not "is briefing". (Not String: templates compare the state's
// own value, and a String method would change what print gives them.)
func (s State) Phrase() string {
	switch s {
	case StateDraft:
		return "a draft"
	case StateBriefing:
		return "in briefing"
	case StateReview:
		return "in review"
	}
	return string(s)
}
