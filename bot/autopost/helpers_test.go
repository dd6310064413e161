package autopost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/bot/store/storetest"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

var (
	_ HistorySource = (*meeting.Client)(nil)
	_ Poster        = (*fakePoster)(nil)
)

const testKey meeting.Secret = "subscriber-password"

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fakeHistory serves conferences like the history API: filtered by start
// time and search key.
type fakeHistory struct {
	mu    sync.Mutex
	confs []meeting.Conference
	err   error
	calls int
}

func (h *fakeHistory) History(_ context.Context, q meeting.HistoryQuery) ([]meeting.Conference, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	if h.err != nil {
		return nil, h.err
	}
	var out []meeting.Conference
	for _, c := range h.confs {
		if c.Start.Before(q.Start) || c.Start.After(q.End) {
			continue
		}
		if q.SearchKey != "" && !strings.Contains(c.ConferenceID, q.SearchKey) && !strings.Contains(strings.ToLower(c.Subject), strings.ToLower(q.SearchKey)) {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

func (h *fakeHistory) add(cs ...meeting.Conference) {
	h.mu.Lock()
	h.confs = append(h.confs, cs...)
	h.mu.Unlock()
}

func (h *fakeHistory) Calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// fakeReporter analyses canned records per confUUID.
type fakeReporter struct {
	mu      sync.Mutex
	records map[string][]attendance.Record
	err     error
	calls   int
	during  func() // called inside Report, before it answers
	// invites, when set, is the invite list of every conference: the
	// report comes without it and Pending waits for it on this channel
	// (closed without a value: the invite list failed).
	invites chan []attendance.Invitee
}

func (r *fakeReporter) Report(_ context.Context, conf meeting.Conference) (Answer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.during != nil {
		r.during()
	}
	if r.err != nil {
		return Answer{}, r.err
	}
	m := attendance.Meeting{ConfUUID: conf.ConfUUID, MeetingID: conf.ConferenceID, Subject: conf.Subject, Records: r.records[conf.ConfUUID]}
	a := Answer{Report: attendance.Analyze(m, attendance.DefaultThresholds(), t0)}
	if inv := r.invites; inv != nil {
		a.Pending = func(ctx context.Context) (*attendance.Report, error) {
			select {
			case list, ok := <-inv:
				if !ok {
					return nil, errInvitesFailed
				}
				m.Invited = list
				return attendance.Analyze(m, attendance.DefaultThresholds(), t0), nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	}
	return a, nil
}

var errInvitesFailed = errors.New("meeting api: confdetail: http 500")

func (r *fakeReporter) set(uuid string, names ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.records == nil {
		r.records = make(map[string][]attendance.Record)
	}
	var recs []attendance.Record
	for i, n := range names {
		recs = append(recs, attendance.Record{Name: n, Number: fmt.Sprint("+86 139 0000 000", i), Join: t0.Add(-time.Hour).UnixMilli(), Leave: t0.UnixMilli()})
	}
	r.records[uuid] = recs
}

type sentPost struct {
	Channel string
	Text    string
	Blocks  string // the blocks as JSON
	TS      string
	Key     string // the metadata marker
}

type sentFile struct {
	Channel, ThreadTS, Name string
	Content                 []byte
}

// fakePoster records posts; fail makes the next calls fail.
type fakePoster struct {
	during  func() // called inside Post, before it answers
	mu      sync.Mutex
	fail    int
	err     error // returned by every Post when set
	posts   []sentPost
	updates []sentPost // chat.update: TS is the edited post's
	files   []sentFile
	posted  chan sentPost // optional: receives every post
	// historyErr is returned by Posted when set; lookups counts its calls.
	historyErr error
	lookups    int
}

var errSlackDown = errors.New("slack: service_unavailable")

func (p *fakePoster) Post(ctx context.Context, channelID string, m formatting.Message, key string) (string, error) {
	if p.during != nil {
		p.during() // e.g. a shutdown arriving while Slack handles the post
	}
	if err := ctx.Err(); err != nil {
		return "", err // an HTTP client gives up when its context ends
	}
	blocks, err := json.Marshal(m.Blocks)
	if err != nil {
		return "", err
	}
	if err := slackfake.CheckMessage(m.Text, blocks); err != nil {
		return "", fmt.Errorf("slack would refuse this post: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return "", p.err
	}
	if p.fail > 0 {
		p.fail--
		return "", errSlackDown
	}
	sp := sentPost{Channel: channelID, Text: m.Text, Blocks: string(blocks), TS: fmt.Sprintf("1700000000.%06d", len(p.posts)+1), Key: key}
	p.posts = append(p.posts, sp)
	if p.posted != nil {
		p.posted <- sp
	}
	return sp.TS, nil
}

// Posted finds a post by its marker, as conversations.history would.
func (p *fakePoster) Posted(_ context.Context, channelID, key string, _ time.Time) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lookups++
	if p.historyErr != nil {
		return "", p.historyErr
	}
	for _, sp := range p.posts {
		if sp.Channel == channelID && sp.Key == key {
			return sp.TS, nil
		}
	}
	return "", nil
}

func (p *fakePoster) Update(_ context.Context, channelID, ts string, m formatting.Message) error {
	blocks, err := json.Marshal(m.Blocks)
	if err != nil {
		return err
	}
	if err := slackfake.CheckMessage(m.Text, blocks); err != nil {
		return fmt.Errorf("slack would refuse this update: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, sp := range p.posts {
		if sp.Channel == channelID && sp.TS == ts {
			p.updates = append(p.updates, sentPost{Channel: channelID, Text: m.Text, Blocks: string(blocks), TS: ts})
			return nil
		}
	}
	return fmt.Errorf("slack: message_not_found (%s in %s)", ts, channelID)
}

func (p *fakePoster) Updates() []sentPost {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sentPost(nil), p.updates...)
}

func (p *fakePoster) UploadCSV(_ context.Context, channelID, threadTS, filename, _ string, content []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.files = append(p.files, sentFile{Channel: channelID, ThreadTS: threadTS, Name: filename, Content: content})
	return nil
}

func (p *fakePoster) Posts() []sentPost {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]sentPost(nil), p.posts...)
}

// env is one Service with its fakes.
type env struct {
	svc      *Service
	store    *store.Store
	clock    *clock
	history  *fakeHistory
	reporter *fakeReporter
	poster   *fakePoster
	outcomes *outcomes
	audit    *fakeAudit
}

// fakeAudit keeps the audit rows it is given.
type fakeAudit struct {
	mu   sync.Mutex
	rows []store.AuditRow
}

func (a *fakeAudit) Record(rows ...store.AuditRow) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range rows {
		if err := store.CheckAuditRow(r); err != nil {
			panic(err) // the store would refuse it
		}
	}
	a.rows = append(a.rows, rows...)
}

func (a *fakeAudit) Rows() []store.AuditRow {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]store.AuditRow(nil), a.rows...)
}

type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) add(s string) {
	o.mu.Lock()
	o.n[s]++
	o.mu.Unlock()
}

func (o *outcomes) get(s string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[s]
}

func openStore(t testing.TB, url string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newEnv builds a Service on the store at url, with the catch-all channel
// CALL and a settle of one minute unless cfg says otherwise.
func newEnv(t testing.TB, url string, cfg Config) *env {
	t.Helper()
	e := &env{
		store: openStore(t, url), clock: newClock(t0),
		history: &fakeHistory{}, reporter: &fakeReporter{}, poster: &fakePoster{},
		outcomes: &outcomes{n: make(map[string]int)}, audit: &fakeAudit{},
	}
	if cfg.Owner == "" {
		cfg.Owner = "replica-1"
	}
	if cfg.WebhookKey == "" {
		cfg.WebhookKey = testKey
	}
	svc, err := New(cfg, Deps{History: e.history, Reporter: e.reporter, Poster: e.poster, Store: e.store, Now: e.clock.Now, OnOutcome: e.outcomes.add, Audit: e.audit})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	return e
}

// work runs Work and fails the test on a store error.
func (e *env) work(t testing.TB) int {
	t.Helper()
	n, err := e.svc.Work(context.Background())
	if err != nil {
		t.Fatalf("Work: %v", err)
	}
	return n
}

func (e *env) count(t testing.TB, state string) int {
	t.Helper()
	n, err := e.store.Count(context.Background(), state)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// event builds a webhook body signed with key over eventInfo exactly as
// given.
func event(key meeting.Secret, appID string, at time.Time, nonce, eventInfo string) []byte {
	ts := fmt.Sprint(at.UnixMilli())
	sig := Sign(key, appID, ts, nonce, []byte(eventInfo))
	return []byte(fmt.Sprintf(`{"appID":%q,"timestamp":%s,"nonce":%q,"signature":%q,"eventInfo":%s}`, appID, ts, nonce, sig, eventInfo))
}

func concludeInfo(uuid, meetingID, subject string) string {
	return fmt.Sprintf(`{"event":"meeting.conclude","timestamp":%d,"payload":{"meetingInfo":{"meetingID":%q,"meetingUUID":%q,"subject":%q}}}`,
		t0.UnixMilli(), meetingID, uuid, subject)
}

// send posts body to the Service's webhook handler.
func (e *env) send(body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/meeting", bytes.NewReader(body))
	rec := httptest.NewRecorder()
	e.svc.WebhookHandler().ServeHTTP(rec, req)
	return rec
}

// eachBackend runs f per store backend with a fresh database URL.
func eachBackend(t *testing.T, f func(t *testing.T, url string)) {
	t.Helper()
	for _, b := range storetest.Backends {
		t.Run(b.Name, func(t *testing.T) { f(t, b.NewURL(t)) })
	}
}

const (
	uuid1 = "9a0fa6d10a5b11eaae5e191763c22c0e"
	uuid2 = "0b1fa6d10a5b11eaae5e191763c22c0f"
)
