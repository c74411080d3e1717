package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// Errors of the HTTP layer that have no domain kind.
var (
	errInvalidJSON = errors.New("invalid_json")
	errTooLarge    = errors.New("too_large")
	errPanic       = errors.New("panic")
)

// apiError is the body of every error answer of the contract.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// classify maps an error onto its status and body. It is the one place that
// decides what a caller learns of a failure; anything unexpected is a 500
// with a generic message, and only those are logged.
func classify(err error) (int, apiError) {
	msg, field := briefing.ErrorMessage(err), briefing.ErrorField(err)
	switch {
	case errors.Is(err, errInvalidJSON):
		return http.StatusBadRequest, apiError{"invalid_json", msg, ""}
	case errors.Is(err, errTooLarge):
		return http.StatusRequestEntityTooLarge, apiError{"too_large", msg, ""}
	case errors.Is(err, briefing.ErrInvalid):
		return http.StatusUnprocessableEntity, apiError{"invalid", msg, field}
	case errors.Is(err, briefing.ErrUnauthenticated):
		return http.StatusUnauthorized, apiError{"unauthenticated", msg, ""}
	case errors.Is(err, briefing.ErrForbidden):
		return http.StatusForbidden, apiError{"forbidden", msg, ""}
	case errors.Is(err, briefing.ErrNotFound):
		return http.StatusNotFound, apiError{"not_found", msg, ""}
	case errors.Is(err, briefing.ErrConflict):
		return http.StatusConflict, apiError{"conflict", msg, field}
	case errors.Is(err, briefing.ErrWithdrawn):
		return http.StatusGone, apiError{"withdrawn", msg, ""}
	case errors.Is(err, briefing.ErrRateLimited):
		return http.StatusTooManyRequests, apiError{"rate_limited", msg, ""}
	}
	return http.StatusInternalServerError, apiError{"internal", "something went wrong on our side; it has been logged", ""}
}

// fail answers an error: JSON for the API, an HTML page for people.
func (s *Server) fail(c *gin.Context, err error) {
	status, body := classify(err)
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
	}
	if status == http.StatusRequestEntityTooLarge {
		c.Header("Connection", "close")
	}
	if isAPI(c) {
		c.AbortWithStatusJSON(status, gin.H{"error": body})
		return
	}
	c.Abort()
	msg := s.locale(c).T("error.internal")
	if status < 500 {
		msg = s.locale(c).Error(err)
	}
	s.renderError(c, status, msg)
}

// isAPI says the caller is a program: it gets the JSON error body. /metrics
// is read by Prometheus, not a person.
func isAPI(c *gin.Context) bool {
	return strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.URL.Path == "/metrics"
}

// httpFail writes the contract's error body outside gin (CSRF, body limits).
func httpFail(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":{"code":"` + code + `","message":"` + message + `"}}`))
}

func logErr(log *slog.Logger, what string, err error) {
	if err != nil {
		log.Error(what, "err", err)
	}
}
