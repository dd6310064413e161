// Command attendees-bot answers "who was in that meeting?" in Slack for
// Huawei Cloud Meeting conferences. See the README for set-up.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.LookupEnv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "attendees-bot: "+err.Error())
		os.Exit(exitCode(err))
	}
}
