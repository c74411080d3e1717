package embargo

// purgeReceipts erases the per-person times whose retention has passed
// (store.PurgeReceipts). With retention off or nothing due it is one read
// transaction.
func (s *Scheduler) purgeReceipts() {
	purged, err := s.st.PurgeReceipts()
	if err != nil {
		s.log.Error("receipt retention failed", "err", err)
	}
	if len(purged) > 0 {
		s.log.Info("erased per-person receipt times", "announcements", purged)
	}
}
