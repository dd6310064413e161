package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestMain lets the test binary be the real program in a process of its
// own: with ATTENDEES_MAIN set to its arguments as a JSON list, it runs
// main() with them, exactly as the built binary would (exit status, signal
// handling and all). Tests use it for what needs another process: a second
// bot on one SQLite file, a SIGKILL.
func TestMain(m *testing.M) {
	if args := os.Getenv("ATTENDEES_MAIN"); args != "" {
		var a []string
		if err := json.Unmarshal([]byte(args), &a); err != nil {
			panic(err)
		}
		os.Args = append([]string{"attendees-bot"}, a...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mainProcess is the program run with args and env (and nothing else of
// this process's environment) in a process of its own; not started yet.
func mainProcess(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	a, _ := json.Marshal(args)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = []string{"ATTENDEES_MAIN=" + string(a), "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	t.Cleanup(func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd
}
