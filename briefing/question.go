package briefing

import "time"

// QuestionWindow is the least time between two question mails to an
// announcement's authors: the first question is mailed at once, the ones
// that follow within the window wait for its end and go in one digest.
const QuestionWindow = 10 * time.Minute

// QuestionMailAt decides when a question asked now is mailed to the
// authors, given when the last question mail went or is due (nil: none
// yet). A mail still due joins the question to it; a window that has
// passed mails it at once; otherwise it waits for the end of the window.
func QuestionMailAt(last *time.Time, now time.Time) time.Time {
	switch {
	case last == nil:
		return now
	case now.Before(*last):
		return *last // a digest is waiting: the question joins it
	case now.Sub(*last) >= QuestionWindow:
		return now
	}
	return last.Add(QuestionWindow)
}
