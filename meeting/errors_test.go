package meeting

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorIs(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{404, "", ErrNotFound},
		{400, "MMC.111070005", ErrNotFound},
		{400, "MMC.111072065", ErrNotFound},
		{401, "", ErrUnauthorized},
		{400, "USG.000000004", ErrUnauthorized},
		{403, "", ErrForbidden},
		{429, "APIG.0308", ErrRateLimited},
		{500, "", ErrUnavailable},
		{503, "", ErrUnavailable},
		{400, "MMC.1", nil},
	}
	all := []error{ErrNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited, ErrUnavailable, ErrInvalidInput, ErrTooManyRecords}
	for _, tt := range tests {
		err := error(&Error{HTTPStatus: tt.status, Code: tt.code})
		for _, sentinel := range all {
			if got := errors.Is(err, sentinel); got != (sentinel == tt.want) {
				t.Errorf("errors.Is(%d %s, %v) = %v; want %v", tt.status, tt.code, sentinel, got, !got)
			}
		}
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name, body      string
		wantCode, wantM string
		wantID          string
	}{
		{"documented", `{"error_code":"MMC.111070005","error_msg":"conference not exist"}`, "MMC.111070005", "conference not exist", "hdr"},
		{"fallback fields", `{"code":"X.1","message":"m","request_id":"body"}`, "X.1", "m", "hdr"},
		{"html page", `<html><body><h1>502 Bad Gateway</h1></body></html>`, "", "bad request (unreadable error body)", "hdr"},
		{"malformed", `{"error_code":`, "", "bad request (unreadable error body)", "hdr"},
		{"empty", ``, "", "bad request", "hdr"},
		{"odd types", `{"error_code":123,"error_msg":null}`, "123", "bad request", "hdr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := parseError(400, "hdr", []byte(tt.body))
			if e.Code != tt.wantCode || e.Message != tt.wantM || e.RequestID != tt.wantID {
				t.Errorf("parseError(%q) = %+v; want code %q message %q id %q", tt.body, e, tt.wantCode, tt.wantM, tt.wantID)
			}
			if msg := e.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || !strings.Contains(msg, "request id hdr") {
				t.Errorf("Error() = %q; want lowercase start and the request id", msg)
			}
		})
	}
	if e := parseError(500, "", []byte(`{"error_code":"A","request_id":"from-body"}`)); e.RequestID != "from-body" {
		t.Errorf("RequestID = %q; want the body's when the header has none", e.RequestID)
	}
}

func TestTruncateKeepsUTF8(t *testing.T) {
	s := strings.Repeat("会", 200)
	got := truncate(s, 100)
	if !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\uFFFD') || len(got) > 100+len("…") {
		t.Errorf("truncate gave %q", got)
	}
}
