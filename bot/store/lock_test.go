package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/bot/subscription"
)

// TestMain lets the test binary be the "other process" holding a store:
// with ATTENDEES_STORE_HOLD set it opens that store, claims its pending
// posts, says "held" and waits to be killed.
func TestMain(m *testing.M) {
	if path := os.Getenv("ATTENDEES_STORE_HOLD"); path != "" {
		s, err := Open(context.Background(), path)
		if err != nil {
			fmt.Println("open:", err)
			os.Exit(1)
		}
		if _, err := s.Claim(context.Background(), "other-process", time.Now(), time.Hour, 10); err != nil {
			fmt.Println("claim:", err)
			os.Exit(1)
		}
		fmt.Println("held")
		select {}
	}
	os.Exit(m.Run())
}

// holdInAnotherProcess starts a process holding the store at path and
// returns it once it holds the lock.
func holdInAnotherProcess(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATTENDEES_STORE_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "held" {
		t.Fatalf("the other process did not take the store: %q %v", line, err)
	}
	return cmd
}

// A second process on one SQLite file refuses to start, naming the holder;
// once the holder dies, however it dies, the file opens and the holder's
// claims are free at once.
func TestSQLiteServesOneProcess(t *testing.T) {
	path := storetest.SQLiteURL(t)
	s := open(t, path)
	enqueue(t, s, Post{ConfUUID: "u", ChannelID: "C", NotBefore: t0})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	other := holdInAnotherProcess(t, path)
	_, err := Open(t.Context(), path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while another process holds the file = %v; want ErrLocked", err)
	}
	for _, want := range []string{fmt.Sprintf("pid %d", other.Process.Pid), path, "PostgreSQL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	if err := other.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	_ = other.Wait()
	s = open(t, path)
	ps, err := s.Claim(t.Context(), "restarted", t0, time.Minute, 10)
	if err != nil || len(ps) != 1 {
		t.Fatalf("Claim after the holder died = %v, %v; want its post back at once, not after its hour-long lease", ps, err)
	}
	// Stores of one process share the lock (tests and the demo open several).
	open(t, path)
}

func TestCheckNoticesTheFileGone(t *testing.T) {
	for _, tc := range []struct {
		name string
		do   func(path string) error
	}{
		{"deleted", os.Remove},
		{"replaced", func(path string) error {
			other := filepath.Join(filepath.Dir(path), "other.db")
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				return err
			}
			return os.Rename(other, path)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := storetest.SQLiteURL(t)
			s := open(t, path)
			if err := s.Check(t.Context()); err != nil {
				t.Fatalf("Check of a healthy store: %v", err)
			}
			if err := tc.do(path); err != nil {
				t.Fatal(err)
			}
			err := s.Check(t.Context())
			if !errors.Is(err, ErrFileGone) || !strings.Contains(err.Error(), tc.name) {
				t.Errorf("Check after the file was %s = %v; want ErrFileGone saying so", tc.name, err)
			}
			// A new subscription would only last until the restart.
			if _, err := s.Watch(t.Context(), Subscription{ChannelID: "C1", Kind: subscription.Subject, Value: "weekly sync"}); !errors.Is(err, ErrFileGone) {
				t.Errorf("Watch after the file was %s = %v; want ErrFileGone", tc.name, err)
			}
		})
	}
}

// A store that can be read but not written is not healthy: every webhook
// and watch would fail while reads still answer.
func TestCheckNeedsAWrite(t *testing.T) {
	eachBackend(t, func(t *testing.T, url string) {
		if err := open(t, url).Check(t.Context()); err != nil {
			t.Fatalf("Check: %v", err)
		}
	})
	// The file turns read-only under the running process (its one
	// connection stops taking writes), as a remount or a chmod would do.
	ro := open(t, storetest.SQLiteURL(t))
	if _, err := ro.db.ExecContext(t.Context(), "PRAGMA query_only = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Cursor(t.Context(), "poll"); err != nil {
		t.Fatalf("reads fail too, the test proves nothing: %v", err)
	}
	if err := ro.Check(t.Context()); err == nil || !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("Check of a read-only store = %v; want it to fail", err)
	}
}

// A store in a directory that cannot be written (a read-only root
// filesystem) says what to do instead of "unable to open database file".
func TestSQLiteInAReadOnlyPlace(t *testing.T) {
	_, err := Open(t.Context(), "/proc/attendees.db")
	var oe *OpenError
	if !errors.As(err, &oe) || !oe.Setting || !strings.Contains(err.Error(), "the bot cannot write in the folder /proc of STORE_URL's SQLite file: make it writable") {
		t.Errorf("Open in a read-only directory = %v; want it to say the folder must be writable", err)
	}
}
