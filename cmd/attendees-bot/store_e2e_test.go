package main

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/meeting/meetingfake"
)

// SQLite serves one process: a second bot on the same file refuses to
// start with one sentence instead of serving beside the first.
func TestRunSecondProcessOnSQLiteRefuses(t *testing.T) {
	s := startSystem(t, nil, nil)
	env := maps.Clone(s.env)
	env["HTTP_ADDR"] = "127.0.0.1:0"
	cmd := mainProcess(t, env, "run")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("second bot on %s = %v; want it to exit 1\n%s", env["STORE_URL"], err, stderr.String())
	}
	mustContain(t, stderr.String(), "in use by another process", fmt.Sprintf("pid %d", os.Getpid()), env["STORE_URL"], "postgres://")
	if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n != 0 {
		t.Errorf("want one sentence on stderr, got %d lines:\n%s", n+1, stderr.String())
	}
	// The first bot is untouched.
	_, rs := s.command(t, slackfake.SlashCommand{Text: "help"}, 1)
	mustContain(t, text(rs...), "Who was in that meeting?")
}

// readyz returns the readiness status and body.
func readyz(t *testing.T, s *system) (int, string) {
	t.Helper()
	resp, err := http.Get(s.http + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// A deleted SQLite file is noticed: readiness fails saying so, the log
// says so at error level and attendees_store_up drops to 0.
func TestRunNoticesDeletedStore(t *testing.T) {
	s := startSystem(t, nil, nil)
	// (Slack may not count as connected yet: only the store's part is read.)
	if _, body := readyz(t, s); !strings.Contains(body, `"store":"ok"`) {
		t.Fatalf("/readyz = %s; want the store ok", body)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(s.env["STORE_URL"] + suffix)
	}
	code, body := readyz(t, s)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "was deleted") {
		t.Errorf("/readyz after the file was deleted = %d %s; want 503 naming it", code, body)
	}
	mustContain(t, get(t, s.http+"/metrics"), "attendees_store_up 0")
	mustContain(t, s.logs.String(), `"level":"ERROR","msg":"STORE FAILING`)
	// Nobody is told a channel is subscribed when the restart would forget it.
	_, rs := s.command(t, slackfake.SlashCommand{Text: "watch weekly sync", ChannelID: "C0GENERAL"}, 1)
	if got := text(rs...); !strings.Contains(got, "couldn't reach my database") || strings.Contains(got, "subscribed this channel") {
		t.Errorf("watch on a deleted store: %s; want the database blamed, no subscription", got)
	}
}

// A store that cannot be written is not ready, even though it can be read.
func TestRunStoreThatCannotBeWrittenIsNotReady(t *testing.T) {
	s := startSystem(t, nil, nil)
	if _, body := readyz(t, s); !strings.Contains(body, `"store":"ok"`) {
		t.Fatalf("/readyz = %s; want the store ok first", body)
	}
	// The database and its write-ahead log; not the shared-memory index,
	// which SQLite has mapped into memory (a fault there is a crash, not an
	// error, and no read-only mount would start that way).
	readOnly(t, s.env["STORE_URL"], s.env["STORE_URL"]+"-wal")
	code, body := readyz(t, s)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "cannot be written") {
		t.Errorf("/readyz on a read-only store = %d %s; want 503", code, body)
	}
}

// A meeting API that never answers fails readiness for the meeting only:
// the store check keeps its own time, so the store is not reported (or
// alerted on) as failing during a vendor outage.
func TestRunHangingMeetingAPIDoesNotFailTheStore(t *testing.T) {
	hang := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(hang); api.Close() })
	s := startSystem(t, func(e map[string]string) { e["MEETING_API_URL"] = api.URL }, nil)
	code, body := readyz(t, s)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"store":"ok"`) || strings.Contains(body, `"meeting":"ok"`) {
		t.Errorf("/readyz with a hanging meeting API = %d %s; want 503, the meeting failing and the store ok", code, body)
	}
	mustContain(t, get(t, s.http+"/metrics"), "attendees_store_up 1")
	if strings.Contains(s.logs.String(), "STORE FAILING") {
		t.Errorf("the store was logged as failing because the meeting API hangs:\n%s", s.logs.String())
	}
}

// readOnly makes files unwritable for this process. Root ignores file
// modes, so as root the files are made immutable (chattr +i) and made
// mutable again at cleanup; where that is impossible the test skips.
func readOnly(t *testing.T, paths ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		for _, p := range paths {
			if err := os.Chmod(p, 0o444); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for _, p := range paths {
		if out, err := exec.Command("chattr", "+i", p).CombinedOutput(); err != nil {
			t.Skipf("running as root and chattr +i %s fails (%v: %s): cannot make the store read-only here", p, err, out)
		}
		t.Cleanup(func() { _ = exec.Command("chattr", "-i", p).Run() })
	}
}

// holdWriteLock takes SQLite's write lock on path from a connection of its
// own (another program, a backup, sqlite3 at a terminal) until cleanup.
func holdWriteLock(t *testing.T, path string) {
	t.Helper()
	// Wait for the bot's own writes (start-up, the audit trail) to finish
	// rather than fail with SQLITE_BUSY when they happen to be under way.
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = conn.ExecContext(t.Context(), "ROLLBACK")
		conn.Close()
		db.Close()
	})
}

// A store that does not answer costs a lookup at most 200 ms: duplicate
// detection falls back to this process's memory (logged and counted), and
// the store's own commands blame the store, not the meeting service.
func TestRunLookupDoesNotWaitForAStuckStore(t *testing.T) {
	s := startSystem(t, func(e map[string]string) { e["COMMAND_TIMEOUT"] = "8s" }, nil)
	holdWriteLock(t, s.env["STORE_URL"]) // busy for longer than the command may take
	_, rs := s.command(t, slackfake.SlashCommand{Text: meetingfake.SampleSyncUUID, UserID: "U1"}, 1)
	mustContain(t, text(rs...), "Weekly product sync")
	_, rs = s.command(t, slackfake.SlashCommand{Text: "watch 960 123 4501", UserID: "U2"}, 1)
	got := text(rs...)
	mustContain(t, got, "couldn't reach my database")
	if strings.Contains(got, "meeting service") {
		t.Errorf("the reply blames the meeting service for the store: %s", got)
	}
	// The command is counted just before its log line, after the reply.
	if err := s.logs.waitFor(ctxT(t), `"outcome":"store_unavailable"`, 1); err != nil {
		t.Fatal(err)
	}
	mustContain(t, get(t, s.http+"/metrics"), "attendees_dedupe_degraded_total 2", `attendees_commands_total{outcome="store_unavailable"} 1`)
	mustContain(t, s.logs.String(), "checked for redelivery in this process only")
}

// A store that cannot be opened stops `run` and `audit` with one sentence
// on stderr that says what to do, never STORE_URL's password: exit 1 when
// trying again may help (the database is down), 78 when STORE_URL must
// change (not restarted by systemd). The driver's words are in the log at
// LOG_LEVEL=debug, on one line.
func TestStoreThatCannotBeOpenedIsOneSentence(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "postgres://bot:hunter2-secret@" + ln.Addr().String() + "/attendees"
	ln.Close()
	notDB := filepath.Join(t.TempDir(), "notes.db")
	if err := os.WriteFile(notDB, []byte("not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		cmd, storeURL, want string
		code                int
	}{
		{"run", down, "PostgreSQL at " + ln.Addr().String() + " cannot be reached (connection refused): check that it runs and that STORE_URL's host and port are right", 1},
		{"audit", down, "cannot be reached (connection refused)", 1},
		{"run", notDB, "STORE_URL names " + notDB + ", which is not a SQLite database: give the bot's store file, or a new file name for a new store", exitConfig},
		{"audit", notDB, "which is not a SQLite database", exitConfig},
	}
	for _, tt := range tests {
		t.Run(tt.cmd+" "+filepath.Base(tt.storeURL), func(t *testing.T) {
			env := map[string]string{
				"SLACK_APP_TOKEN": "xapp-1-abc", "SLACK_BOT_TOKEN": "xoxb-abc", "MEETING_ACCESS_TOKEN": "static-token",
				"MEETING_API_URL": "http://127.0.0.1:1", "SLACK_API_URL": "http://127.0.0.1:1/api/",
				"HTTP_ADDR": "127.0.0.1:0", "STORE_URL": tt.storeURL,
			}
			var stderr bytes.Buffer
			err := run(t.Context(), []string{tt.cmd}, getenv(env), nil, io.Discard, &stderr)
			if err == nil || exitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || stderr.Len() != 0 {
				t.Errorf("%s = %q (exit %d), stderr %q; want exit %d and one line with %q, nothing logged", tt.cmd, err, exitCode(err), stderr.String(), tt.code, tt.want)
			}
			env["LOG_LEVEL"] = "debug"
			stderr.Reset()
			_ = run(t.Context(), []string{tt.cmd}, getenv(env), nil, io.Discard, &stderr)
			if !strings.Contains(stderr.String(), `"msg":"store not opened"`) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("debug log = %q; want one line with the detail", stderr.String())
			}
			if strings.Contains(err.Error()+stderr.String(), "hunter2-secret") {
				t.Errorf("the password is printed: %v %s", err, stderr.String())
			}
		})
	}
}
