package meeting

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A redirect to another host must not carry the access token there, and
// its answer must not be used.
func TestRedirectToAnotherHostRefused(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		if r.Header.Get("X-Access-Token") != "" {
			t.Errorf("the other host received X-Access-Token")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"offset":0,"limit":500,"count":1,"data":[{"displayName":"Mallory"}]}`))
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer api.Close()

	caller := &http.Client{}
	c, err := NewClient(api.URL, WithStaticToken("static-token-123"), WithHTTPClient(caller))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Attendees(t.Context(), "9a0fa6d10a5b11eaae5e191763c22c0e")
	if err == nil || !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "another host") {
		t.Errorf("Attendees after a cross-host redirect = %v; want an unavailable error naming the redirect", err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other host got %d requests; want none", n)
	}
	if caller.CheckRedirect != nil {
		t.Errorf("NewClient changed the caller's http.Client")
	}
}

func TestRedirectOnTheSameHostFollowed(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/moved") {
			http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusTemporaryRedirect)
			return
		}
		if r.Header.Get("X-Access-Token") != "static-token-123" {
			t.Errorf("same-host redirect lost the token")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"offset":0,"limit":500,"count":1,"data":[{"displayName":"Alice"}]}`))
	}))
	defer api.Close()
	c, err := NewClient(api.URL, WithStaticToken("static-token-123"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Attendees(t.Context(), "9a0fa6d10a5b11eaae5e191763c22c0e")
	if err != nil || len(got) != 1 || got[0].DisplayName != "Alice" {
		t.Errorf("Attendees = %v, %v; want Alice through the same-host redirect", got, err)
	}
}
