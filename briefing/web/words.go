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
