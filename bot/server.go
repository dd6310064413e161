package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Check is one readiness condition; nil means ready.
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// NewMux serves the operational endpoints: /healthz (the process answers),
// /readyz (every check passes) and /metrics (Prometheus). More routes, such
// as the meeting webhook, can be added by the caller.
func NewMux(m *Metrics, checks ...Check) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		// The checks run side by side: one that hangs (the meeting login
		// during a vendor outage) must not use up the others' time and make
		// them fail too, which would blame the store for the vendor.
		errs := make([]error, len(checks))
		var wg sync.WaitGroup
		for i, c := range checks {
			wg.Go(func() { errs[i] = c.Fn(ctx) })
		}
		wg.Wait()
		status := http.StatusOK
		result := map[string]string{}
		for i, c := range checks {
			if errs[i] != nil {
				status = http.StatusServiceUnavailable
				result[c.Name] = errs[i].Error()
				continue
			}
			result[c.Name] = "ok"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(result)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry}))
	return mux
}

// Listen opens the HTTP_ADDR listener. Listening before anything else
// starts means the probes and the webhook answer from the moment the
// process reports itself started, and a port in use stops it at once.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on HTTP_ADDR %s: %w", addr, err)
	}
	return ln, nil
}

// httpShutdown bounds how long the HTTP server waits for requests in
// flight once the bot has drained.
const httpShutdown = 5 * time.Second

// replyGrace is how long a request past its deadline (or cancelled by the
// end of a drain) still has to send the user its last sentence.
const replyGrace = 10 * time.Second

// ShutdownBound is the longest a SIGTERM can take to end the process:
// commands in flight run to their deadline (commandTimeout from receipt)
// and send their last reply, stragglers are then cancelled and answered,
// and the HTTP server stops. Grace periods in deploy/ must be longer.
func ShutdownBound(commandTimeout time.Duration) time.Duration {
	return drainTimeout(commandTimeout) + replyGrace + httpShutdown
}

// drainTimeout is how long shutdown waits for commands in flight before
// cancelling them: long enough for every command to reach its deadline and
// answer, so none is cut short by a plain restart.
func drainTimeout(commandTimeout time.Duration) time.Duration {
	return commandTimeout + replyGrace
}

// Serve serves h on ln until ctx is done, then shuts down gracefully.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), httpShutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	return nil
}

// ErrNotConnected is the readiness error while Slack is not connected.
var ErrNotConnected = errors.New("not connected to slack")

// SlackCheck is ready while the bot's Socket Mode connection is up.
func (b *Bot) SlackCheck() Check {
	return Check{Name: "slack", Fn: func(context.Context) error {
		if !b.Connected() {
			return ErrNotConnected
		}
		return nil
	}}
}
