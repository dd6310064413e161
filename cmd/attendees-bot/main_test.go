package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// childEnv, when set, makes the test binary the real program in a process
// of its own: it runs main() with these (space-separated) arguments, as the
// built binary would (exit status, signal handling and all). Tests use it
// for what needs another process: a second bot on one SQLite file, a
// SIGKILL, a benchmark whose peak memory is the command's own.
const childEnv = "ATTENDEES_BENCH_CHILD"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Args = append([]string{"attendees-bot"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// mainProcess is the program run with args and env (and nothing else of
// this process's environment) in a process of its own; not started yet.
func mainProcess(t testing.TB, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = []string{childEnv + "=" + strings.Join(args, " "), "PATH=" + os.Getenv("PATH")}
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
