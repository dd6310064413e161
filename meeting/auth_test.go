package meeting_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/meeting"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

func TestAuthSources(t *testing.T) {
	tests := []struct {
		name    string
		auth    meeting.Option
		loginOp string
	}{
		{"app", meeting.WithAppAuth(testAppID, testAppKey, "", ""), meetingfake.OpAppAuth},
		{"app with user and corp", meeting.WithAppAuth(testAppID, testAppKey, "user-1", "corp-9"), meetingfake.OpAppAuth},
		{"account", meeting.WithAccountAuth(testAccount, testPassword), meetingfake.OpAccount},
		{"static", meeting.WithStaticToken(testStatic), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
			c := newClientAuth(t, fake, tt.auth)
			for range 3 {
				if _, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID); err != nil {
					t.Fatal(err)
				}
			}
			if tt.loginOp != "" && fake.Count(tt.loginOp) != 1 {
				t.Errorf("%d logins; want 1", fake.Count(tt.loginOp))
			}
		})
	}
}

func TestBadCredentials(t *testing.T) {
	tests := []struct {
		name string
		auth meeting.Option
	}{
		{"wrong app key", meeting.WithAppAuth(testAppID, "wrong-key-SECRET", "", "")},
		{"wrong app id", meeting.WithAppAuth("other-app", testAppKey, "", "")},
		{"wrong password", meeting.WithAccountAuth(testAccount, "wrong-password-SECRET")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, err := meetingfake.Start(meetingfake.Config{AppID: testAppID, AppKey: testAppKey, Account: testAccount, Password: testPassword})
			if err != nil {
				t.Fatal(err)
			}
			defer fake.Close() // a wrong key is recorded as a violation: not checked here
			c := newClientAuth(t, fake, tt.auth)
			err = c.Ping(t.Context())
			if !errors.Is(err, meeting.ErrUnauthorized) {
				t.Fatalf("Ping = %v; want ErrUnauthorized", err)
			}
			if n := fake.Count(meetingfake.OpAppAuth) + fake.Count(meetingfake.OpAccount); n != 1 {
				t.Errorf("%d login attempts; want 1 (no retry of a rejected login)", n)
			}
			for _, secret := range []string{"SECRET", testAppKey, testPassword} {
				if strings.Contains(err.Error(), secret) || strings.Contains(c.log.String(), secret) {
					t.Errorf("credential %q leaked: error %q, log %q", secret, err, c.log.String())
				}
			}
		})
	}
}

// TestSecretsNeverInErrorsOrLogs makes errors happen whose server messages
// echo the credentials, and checks neither the errors, the logs nor the
// request events carry them.
func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	static := newClientAuth(t, fake, meeting.WithStaticToken(testStatic))
	fake.FailNext(meetingfake.OpAttendees, 4, meetingfake.Failure{Status: 500, Message: "backend rejected token " + testStatic})
	_, err1 := static.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	fake.FailNext(meetingfake.OpAttendees, 1, meetingfake.Failure{Status: 401, Code: "USG.000000004", Message: "token " + testStatic + " expired"})
	_, err2 := static.Attendees(t.Context(), meetingfake.SampleHostileUUID)

	app := newClient(t, fake)
	fake.FailNext(meetingfake.OpAppAuth, 1, meetingfake.Failure{Status: 403, Message: "key " + testAppKey + " disabled"})
	err3 := app.Ping(t.Context())

	acct := newClientAuth(t, fake, meeting.WithAccountAuth(testAccount, testPassword))
	fake.FailNext(meetingfake.OpAccount, 4, meetingfake.Failure{Status: 503, Message: "password " + testPassword})
	err4 := acct.Ping(t.Context())

	for i, err := range []error{err1, err2, err3, err4} {
		if err == nil {
			t.Fatalf("error %d is nil", i+1)
		}
	}
	if !errors.Is(err2, meeting.ErrUnauthorized) || !errors.Is(err3, meeting.ErrUnauthorized) || !errors.Is(err1, meeting.ErrUnavailable) {
		t.Errorf("errors = %v / %v / %v; want unavailable, unauthorized, unauthorized", err1, err2, err3)
	}
	var all strings.Builder
	for _, err := range []error{err1, err2, err3, err4} {
		all.WriteString(err.Error() + "\n")
	}
	for _, c := range []*testClient{static, app, acct} {
		all.WriteString(c.log.String())
		for _, ev := range c.events.list() {
			if ev.Err != nil {
				all.WriteString(ev.Err.Error() + "\n")
			}
		}
	}
	for _, secret := range []string{testStatic, testAppKey, testPassword} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("%q leaked into errors or logs:\n%s", secret, all.String())
		}
	}
	if !strings.Contains(all.String(), "[redacted]") {
		t.Errorf("expected scrubbed messages, got:\n%s", all.String())
	}
}

func TestConcurrentCallersShareOneLogin(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now()), Latency: 20 * time.Millisecond})
	c := newClient(t, fake, meeting.WithCache(0, 0))
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := fake.Count(meetingfake.OpAppAuth); n != 1 {
		t.Errorf("%d logins for 50 concurrent callers; want 1", n)
	}
}

func TestUnauthorizedLogsInAgainOnce(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClient(t, fake, meeting.WithCache(0, 0))
	if err := c.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	recs, err := c.Attendees(t.Context(), meetingfake.SampleTownHallUUID)
	if err != nil || len(recs) != meetingfake.SampleTownHallRecords {
		t.Fatalf("Attendees after token loss = %d records, %v", len(recs), err)
	}
	if n := fake.Count(meetingfake.OpAppAuth); n != 2 {
		t.Errorf("%d logins; want 2 (one re-login)", n)
	}

	// A 401 that persists after the re-login is final: one re-login only.
	fake.FailNext(meetingfake.OpAttendees, 2, meetingfake.Failure{Status: 401, Code: "USG.000000004"})
	_, err = c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	if !errors.Is(err, meeting.ErrUnauthorized) {
		t.Fatalf("Attendees with persistent 401 = %v; want ErrUnauthorized", err)
	}
	if n := fake.Count(meetingfake.OpAppAuth); n != 3 {
		t.Errorf("%d logins; want 3", n)
	}
}

func TestStaticTokenRejectedIsFinal(t *testing.T) {
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(time.Now())})
	c := newClientAuth(t, fake, meeting.WithStaticToken("not-a-known-token"))
	_, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID)
	if !errors.Is(err, meeting.ErrUnauthorized) || fake.Count(meetingfake.OpAttendees) != 1 {
		t.Errorf("Attendees = %v after %d requests; want ErrUnauthorized after 1", err, fake.Count(meetingfake.OpAttendees))
	}
}

func TestTokenRenewedBeforeExpiry(t *testing.T) {
	clock := newTestClock()
	fake := startFake(t, meetingfake.Config{Conferences: meetingfake.Sample(clock.Now()), TokenTTL: time.Hour, Clock: clock.Now})
	c := newClient(t, fake, meeting.WithClock(clock.Now))
	ping := func() {
		t.Helper()
		if err := c.Ping(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	ping()
	clock.Advance(54 * time.Minute) // renewal margin is min(10% of 1 h, 5 min) = 5 min
	ping()
	if fake.Count(meetingfake.OpRefresh) != 0 {
		t.Fatal("renewed too early")
	}
	clock.Advance(2 * time.Minute)
	ping()
	if r, l := fake.Count(meetingfake.OpRefresh), fake.Count(meetingfake.OpAppAuth); r != 1 || l != 1 {
		t.Fatalf("%d refreshes, %d logins; want 1 refresh, 1 login", r, l)
	}
	// The refreshed token works after the original would have expired.
	clock.Advance(30 * time.Minute)
	if _, err := c.Attendees(t.Context(), meetingfake.SampleSyncUUID); err != nil {
		t.Fatal(err)
	}

	// A failing refresh falls back to a login (at 111 min: the refreshed
	// token, valid until 116 min, is due for renewal).
	clock.Advance(25 * time.Minute)
	fake.FailNext(meetingfake.OpRefresh, 1, meetingfake.Failure{Status: 401, Code: "USG.000000004"})
	ping()
	if r, l := fake.Count(meetingfake.OpRefresh), fake.Count(meetingfake.OpAppAuth); r != 2 || l != 2 {
		t.Errorf("%d refreshes, %d logins; want 2 and 2", r, l)
	}

	// An expired token is replaced by a login, not a refresh.
	clock.Advance(3 * time.Hour)
	ping()
	if r, l := fake.Count(meetingfake.OpRefresh), fake.Count(meetingfake.OpAppAuth); r != 2 || l != 3 {
		t.Errorf("%d refreshes, %d logins; want 2 and 3", r, l)
	}
}
