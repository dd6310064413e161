package main

import (
	"context"
	"io"
	"log/slog"

	"golang.org/x/sync/errgroup"

	"github.com/attendees-bot/attendees-bot/bot"
	"github.com/attendees-bot/attendees-bot/meeting"
)

func runBot(ctx context.Context, args []string, getenv func(string) (string, bool), stderr io.Writer) error {
	fs := newFlags("run", "run\n\nRuns the Slack Socket Mode bot and the HTTP server (/healthz, /readyz, /metrics) until SIGTERM.", stderr)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	cfg, err := bot.LoadConfig(ctx, getenv, bot.Needs{Slack: true, Meeting: true})
	if err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	metrics := bot.NewMetrics()
	mc, err := newMeeting(cfg, metrics, log)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, mc, metrics, log)
}

// serve runs the Slack bot and the HTTP server until ctx is done or one fails.
func serve(ctx context.Context, cfg *bot.Config, mc *meeting.Client, metrics *bot.Metrics, log *slog.Logger) error {
	api := bot.NewSlack(cfg)
	looker := bot.NewLooker(mc, thresholds(cfg), nil, log)
	h := bot.NewHandler(cfg, looker, bot.NewSlackResponder(api), log)
	b := bot.NewBot(cfg, api, h, metrics, log)
	mux := bot.NewMux(metrics, b.SlackCheck(), bot.Check{Name: "meeting", Fn: mc.Ping})

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return bot.Serve(gctx, cfg.HTTPAddr, mux, nil) })
	g.Go(func() error { return b.Run(gctx) })
	log.Info("attendees-bot started", slog.String("version", version), slog.String("http_addr", cfg.HTTPAddr), slog.String("command", cfg.SlackCommand))
	if err := g.Wait(); err != nil {
		return err
	}
	log.Info("attendees-bot stopped")
	return nil
}
