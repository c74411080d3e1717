package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"firsthand/briefing"
)

// MaxBody is the largest request body outside the directory import.
const MaxBody = 1 << 20

// MaxImportBody lets a 100,000-person directory import in one request.
const MaxImportBody = 64 << 20

// limitBody answers 413 from Content-Length before reading anything, and
// caps what is read when the length is not declared. A form is read here,
// so that one over the limit is refused (an error page for people, the
// contract's body for the API) instead of reaching its handler as an
// empty form: gin's PostForm drops the error.
const tooLargeFormat = "the request body is larger than %d MiB"

func (s *Server) limitBody(max int64) gin.HandlerFunc {
	// Format and Args let a page say it in the reader's language.
	tooLarge := &briefing.Error{Kind: errTooLarge, Message: fmt.Sprintf(tooLargeFormat, max>>20),
		Format: tooLargeFormat, Args: []any{max >> 20}}
	return func(c *gin.Context) {
		if c.Request.ContentLength > max {
			s.fail(c, tooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		var tooBig *http.MaxBytesError
		if err := parseForm(c.Request); errors.As(err, &tooBig) {
			s.fail(c, tooLarge)
			return
		}
		c.Next()
	}
}

// parseForm reads a form body, as the handler's PostForm would.
func parseForm(r *http.Request) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		return r.ParseForm()
	case "multipart/form-data":
		return r.ParseMultipartForm(MaxBody)
	}
	return nil
}

// decodeJSON reads a JSON body into v. Unknown fields are allowed.
func decodeJSON(c *gin.Context, v any) error {
	return jsonError(json.NewDecoder(c.Request.Body).Decode(v))
}

// jsonError maps a failure to decode JSON onto the contract: 413 for a body
// over the limit, 422 naming the field of a wrong type, 400 for the rest.
func jsonError(err error) error {
	var tooBig *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return &briefing.Error{Kind: errTooLarge, Message: "the request body is larger than 1 MiB"}
	case errors.As(err, &typeErr) && typeErr.Field == "":
		// The body itself has the wrong shape (an array or a number): there
		// is no field to name, and no field can be fixed to make it right.
		return &briefing.Error{Kind: errInvalidJSON, Message: "the request body must be a JSON object"}
	case errors.As(err, &typeErr):
		return briefing.Invalid(typeErr.Field, "%s must be a JSON %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()))
	case errors.Is(err, io.EOF):
		return &briefing.Error{Kind: errInvalidJSON, Message: "the request body is empty: send a JSON object"}
	}
	return &briefing.Error{Kind: errInvalidJSON, Message: "the request body is not valid JSON: " + err.Error()}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

// page reads ?limit= and ?after= of the contract.
func page(c *gin.Context) (limit int, after string, err error) {
	limit = 1000
	if s := c.Query("limit"); s != "" {
		n, convErr := strconv.Atoi(s)
		if convErr != nil || n < 1 || n > 10000 {
			return 0, "", briefing.Invalid("limit", "limit must be a whole number from 1 to 10000")
		}
		limit = n
	}
	return limit, c.Query("after"), nil
}

func wantsCSV(c *gin.Context) bool {
	return c.NegotiateFormat(gin.MIMEJSON, "text/csv") == "text/csv" && c.GetHeader("Accept") != ""
}
