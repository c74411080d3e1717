package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// refuse answers a request that gin never saw (the cross-origin guard):
// the contract's JSON for the API, an HTML page for a person in a browser,
// who would otherwise read raw JSON. The page says the message pageID in
// the reader's language.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, code, message, pageID string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		httpFail(w, status, code, message)
		return
	}
	var buf bytes.Buffer
	l := s.localeOf(r, nil)
	message = l.T(pageID)
	// A clone, as render does: an executed set can never be cloned again.
	t, err := s.pages.sets["error"].Clone()
	if err == nil {
		t.Funcs(localeFuncs(l))
		err = t.Execute(&buf, view{Title: l.T("error.title", "Status", strconv.Itoa(status)), Lang: l.Lang, Zone: l.Zone.String(),
			Version: s.version, Data: gin.H{"Status": status, "Message": message}})
	}
	if err != nil {
		s.log.Error("render", "page", "error", "err", err)
		httpFail(w, status, code, message)
		return
	}
	h := w.Header()
	for _, sh := range securityHeaderValues {
		h[sh.name] = sh.value
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
