package briefing

// StatePhrase is a state said the way a sentence needs it: "the
// announcement is in briefing", not "is briefing". It is its own type so
// that a message in another language can say the state its own way
// (MessageID).
type StatePhrase State

// Phrase gives the state for a sentence. (Not String on State: templates
// compare the state's own value, and a String method would change what
// print gives them.)
func (s State) Phrase() StatePhrase { return StatePhrase(s) }

// String is the English phrase.
func (p StatePhrase) String() string {
	switch State(p) {
	case StateDraft:
		return "a draft"
	case StateBriefing:
		return "in briefing"
	case StateReview:
		return "in review"
	}
	return string(p)
}

// MessageID names the state in the message catalogue.
func (p StatePhrase) MessageID() string { return "state." + string(p) }
