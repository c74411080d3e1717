package web

// Words for numbers on pages and in notes: "1 person", "1,200 people".

func init() {
	funcs["people"] = people
}

// people counts persons in words, with the singular for one.
func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return thousands(n) + " people"
}

// hasHave agrees the verb with a count of people.
func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}
