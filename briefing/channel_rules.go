package briefing

// CanCreateChannel refuses a second channel of a permanent kind: the
// newsroom exists once, from the first start.
func CanCreateChannel(c *Channel) error {
	if k, ok := LookupKind(c.Kind); ok && k.Permanent {
		return Conflict("there is one %s and it exists already", c.Kind)
	}
	return nil
}

// CanDisableChannel refuses to disable a permanent channel: every released
// item keeps its newsroom page.
func CanDisableChannel(c *Channel) error {
	if k, ok := LookupKind(c.Kind); ok && k.Permanent {
		return Conflict("the %s cannot be disabled or removed", c.Name)
	}
	return nil
}
