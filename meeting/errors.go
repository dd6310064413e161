package meeting

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Sentinels usable with errors.Is on any error the client returns.
var (
	ErrInvalidInput   = errors.New("invalid input")       // bad confUUID / meeting ID shape; no request made
	ErrNotFound       = errors.New("not found")           // 404, MMC.111070005, MMC.111072065
	ErrUnauthorized   = errors.New("unauthorized")        // 401 after the one re-login, bad credentials
	ErrForbidden      = errors.New("forbidden")           // 403
	ErrRateLimited    = errors.New("rate limited")        // 429 after retries
	ErrUnavailable    = errors.New("service unavailable") // 5xx, timeouts, connection errors after retries
	ErrTooManyRecords = errors.New("too many records")    // record cap hit
	ErrTooLarge       = errors.New("answer too large")    // a page over MaxPageBytes, a list over MaxListBytes

	// ErrInconsistent means the server's paging contradicted itself twice in a
	// row (count changed, a page came back short or long), typically because a
	// meeting is still running. Errors carrying it also satisfy ErrUnavailable,
	// so callers that only know the older sentinels say "try again later".
	ErrInconsistent = errors.New("records changed while paging")
)

// Error codes of the meeting API that the client gives a meaning.
const (
	codeTokenInvalid   = "USG.000000004"
	codeConfNotExist   = "MMC.111070005"
	codeConfNotFoundNP = "MMC.111072065"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// Error is a non-2xx answer of the meeting API. Code and Message come from the
// JSON body (error_code/error_msg, or code/message); RequestID from the
// X-Request-Id header or the body. Use errors.Is with the sentinels rather than
// comparing codes.
type Error struct {
	HTTPStatus int
	Code       string
	Message    string
	RequestID  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("meeting api: http ")
	fmt.Fprintf(&b, "%d", e.HTTPStatus)
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Is maps the error to the package sentinels. Codes win over the HTTP status,
// because the API answers an unknown conference with 400 MMC.111070005.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.Code == codeConfNotExist || e.Code == codeConfNotFoundNP || e.HTTPStatus == http.StatusNotFound
	case ErrUnauthorized:
		return e.Code == codeTokenInvalid || e.HTTPStatus == http.StatusUnauthorized
	case ErrForbidden:
		return e.HTTPStatus == http.StatusForbidden
	case ErrRateLimited:
		return e.HTTPStatus == http.StatusTooManyRequests
	case ErrUnavailable:
		return e.HTTPStatus >= 500
	}
	return false
}

// unauthorized reports whether err asks for a new token.
func unauthorized(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Is(ErrUnauthorized)
}

// parseError builds an *Error from a non-2xx response body. The body may be
// anything (an HTML page from a proxy, truncated JSON); then Message is a short
// description instead of the body, so an error page never floods a log line.
func parseError(status int, requestID string, body []byte) *Error {
	e := &Error{HTTPStatus: status, RequestID: requestID}
	var v struct {
		ErrorCode flexString `json:"error_code"`
		ErrorMsg  flexString `json:"error_msg"`
		Code      flexString `json:"code"`
		Message   flexString `json:"message"`
		RequestID flexString `json:"request_id"`
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &v) == nil {
		e.Code = firstNonEmpty(string(v.ErrorCode), string(v.Code))
		e.Message = firstNonEmpty(string(v.ErrorMsg), string(v.Message))
		if e.RequestID == "" {
			e.RequestID = string(v.RequestID)
		}
	}
	if e.Message == "" {
		e.Message = strings.ToLower(http.StatusText(status))
		if len(trimmed) > 0 && e.Code == "" {
			e.Message += " (unreadable error body)"
		}
	}
	e.Code = truncate(e.Code, 64)
	e.Message = truncate(e.Message, 300)
	e.RequestID = truncate(e.RequestID, 128)
	return e
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s + "…"
}
