// Package testkit holds the fakes that the packages' tests share: a real
// SMTP server in the test process, a recording HTTP receiver for webhooks
// and platform stand-ins, and a log buffer many goroutines may write. A fix
// to a fake reaches every test that uses it. Only test files import it.
package testkit
