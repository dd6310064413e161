package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A check that hangs does not use up the time of the others: each is
// judged on its own, so a meeting login stuck until the deadline does not
// make the store look broken too.
func TestReadyzChecksDoNotWaitForEachOther(t *testing.T) {
	storeAsked := make(chan struct{})
	var storeCtxErr error
	mux := NewMux(NewMetrics(),
		Check{Name: "meeting", Fn: func(ctx context.Context) error {
			select { // hangs until the store has been asked, or the deadline
			case <-storeAsked:
			case <-ctx.Done():
			}
			return errors.New("login hangs")
		}},
		Check{Name: "store", Fn: func(ctx context.Context) error {
			storeCtxErr = ctx.Err()
			close(storeAsked)
			return ctx.Err()
		}},
	)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/readyz", nil))
	if storeCtxErr != nil {
		t.Errorf("the store check was asked with its time already used up (%v) by the meeting check", storeCtxErr)
	}
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusServiceUnavailable || got["meeting"] != "login hangs" || got["store"] != "ok" {
		t.Errorf("/readyz = %d %v; want 503 with the meeting failing and the store ok", rec.Code, got)
	}
}
