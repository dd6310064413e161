package slackfake_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

// start starts a fake and closes it when the test ends.
func start(t *testing.T, cfg slackfake.Config) *slackfake.Server {
	t.Helper()
	srv, err := slackfake.Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// timeout bounds every wait in a test.
func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func apiClient(srv *slackfake.Server, botToken string) *slack.Client {
	cfg := srv.Config()
	return slack.New(botToken, slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken(cfg.AppToken))
}

// socketClient is a real slack-go Socket Mode client running against srv.
type socketClient struct {
	api    *slack.Client
	sm     *socketmode.Client
	events chan socketmode.Event // slash commands and interactions
	runErr chan error
}

func connect(t *testing.T, srv *slackfake.Server) *socketClient {
	t.Helper()
	cfg := srv.Config()
	api := apiClient(srv, cfg.BotToken)
	sm := socketmode.New(api)
	c := &socketClient{api: api, sm: sm, events: make(chan socketmode.Event, 16), runErr: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	go func() { c.runErr <- sm.RunContext(ctx) }()
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-sm.Events:
				switch evt.Type {
				case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI, socketmode.EventTypeErrorBadMessage:
					select {
					case c.events <- evt:
					case <-ctx.Done():
						return
					}
				}
			}
		}
	}()
	return c
}

func (c *socketClient) next(t *testing.T, ctx context.Context) socketmode.Event {
	t.Helper()
	select {
	case evt := <-c.events:
		return evt
	case <-ctx.Done():
		t.Fatalf("no Socket Mode event: %v", ctx.Err())
		return socketmode.Event{}
	}
}

// rawSocket opens a Socket Mode connection by hand and returns it after the
// hello, with a goroutine reading frames into the returned channel.
func rawSocket(t *testing.T, ctx context.Context, srv *slackfake.Server) (*websocket.Conn, string, <-chan []byte) {
	t.Helper()
	_, url, err := apiClient(srv, srv.Config().BotToken).StartSocketModeContext(ctx)
	if err != nil {
		t.Fatalf("apps.connections.open: %v", err)
	}
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	frames := make(chan []byte, 16)
	go func() {
		defer close(frames)
		for {
			_, data, err := conn.ReadMessage()
			if err != nil {
				return
			}
			frames <- data
		}
	}()
	hello := nextFrame(t, ctx, frames)
	var h struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(hello, &h); err != nil || h.Type != "hello" {
		t.Fatalf("first frame = %s; want hello", hello)
	}
	return conn, url, frames
}

func nextFrame(t *testing.T, ctx context.Context, frames <-chan []byte) []byte {
	t.Helper()
	select {
	case f, ok := <-frames:
		if !ok {
			t.Fatal("socket closed")
		}
		return f
	case <-ctx.Done():
		t.Fatalf("no frame: %v", ctx.Err())
		return nil
	}
}

func assertClean(t *testing.T, srv *slackfake.Server) {
	t.Helper()
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("violations:\n%s", strings.Join(v, "\n"))
	}
}

// wantViolation waits for n violations and checks the last contains want.
func wantViolation(t *testing.T, ctx context.Context, srv *slackfake.Server, n int, want string) {
	t.Helper()
	v, err := srv.WaitViolations(ctx, n)
	if err != nil {
		t.Fatalf("WaitViolations(%d): %v (have %q)", n, err, srv.Violations())
	}
	if len(v) != n || !strings.Contains(v[n-1], want) {
		t.Errorf("violations = %q; want %d, the last containing %q", v, n, want)
	}
}

// ackedCommand sends a slash command, receives it with the real client and
// acks it; it returns the envelope ID.
func (c *socketClient) ackedCommand(t *testing.T, ctx context.Context, srv *slackfake.Server) string {
	t.Helper()
	id, err := srv.SlashCommand(ctx, slackfake.SlashCommand{})
	if err != nil {
		t.Fatal(err)
	}
	evt := c.next(t, ctx)
	if err := c.sm.Ack(*evt.Request); err != nil {
		t.Fatal(err)
	}
	return id
}
