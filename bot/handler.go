package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Action IDs of buttons, and of the other interactions the bot answers.
// Button values carry the conference (see lookupRef).
const (
	actionShare   = "attendees_share"   // post the shared version in the channel
	actionCSV     = "attendees_csv"     // send the CSV to the requester's DM
	actionOpen    = "attendees_open"    // look up another conference
	actionUnwatch = "attendees_unwatch" // stop one of the channel's subscriptions
	actionModal   = "attendees_modal"   // the Home tab's "Look up attendance": open the modal

	// Shortcut callback IDs (deploy/slack-app-manifest.yaml) and the modal's.
	actionShortcut        = "attendees_lookup"         // global shortcut: open the modal
	actionMessageShortcut = "attendees_lookup_message" // message shortcut: look up what the message names
	actionSubmit          = "attendees_lookup_modal"   // the modal was submitted
	actionClosed          = "attendees_lookup_closed"  // the modal was closed
	actionHome            = "app_home_opened"          // the Home tab was opened
)

// Request is one thing a user did: a slash command, a button press, a
// shortcut, a modal submission or opening the Home tab.
type Request struct {
	UserID, ChannelID, TeamID string
	Text                      string // slash command text; a message shortcut's message
	// ResponseURL answers privately where the user acted. Without one
	// (shortcuts, the Home tab, buttons on messages in the bot's DM) the
	// answer is a message in the user's DM with the bot, which stays there.
	ResponseURL string
	Action      string // "" for a slash command, else one of the action IDs
	Value       string // the pressed button's value
	TriggerID   string // opens a modal, within 3 s of the interaction
	Form        *Form  // a submitted lookup modal

	// EnvelopeID and Received are set by the Socket Mode adapter: a
	// redelivered envelope is answered once, and the deadline runs from
	// receipt.
	EnvelopeID string
	Received   time.Time

	p *catalog.Printer // the user's language, set by Handle
	// at is a private message on screen that the next reply replaces
	// (the list a tapped Show button was on, or a "please wait").
	at *answerAt
}

// Result is what handling one request did, for its log line, metrics and
// audit trail.
type Result struct {
	Outcome   string
	Ref       string // reference shown to the user for internal errors
	ConfUUID  string
	ConfUUIDs []string // for the audit trail: every conference a series showed
	MeetingID string
	People    int
	Records   int
	Err       error
	Audit     []Audited // what it showed or did, one audit row each
}

// Audited is one thing a request showed or did: an audit action
// (store.Audit*) and who could see it (store.Audience*). Its row carries
// the request's conference, counts and outcome, and the request's channel
// unless ChannelID names another (a share from the DM into a channel).
type Audited struct{ Action, Audience, ChannelID string }

// note adds what the request showed or did to its audit trail.
func (r *Result) note(action, audience string) {
	r.Audit = append(r.Audit, Audited{action, audience, ""})
}

// Handler decides the reply to every request and owns how requests are
// admitted: access rules, per-user rate limit, redelivered envelopes and
// the bounded pool of workers. Safe for concurrent use.
type Handler struct {
	looker    *Looker
	out       responder
	views     viewer        // nil: no shortcuts, modal or Home tab (the demo)
	subs      subscriptions // nil: automatic posts are not set up
	access    *access
	langs     *languages
	channel   *catalog.Printer // BOT_LANGUAGE: what a whole channel reads
	inline    int
	loc       *time.Location
	slashName string
	now       func() time.Time
	log       *slog.Logger
	shares    recentShares
	buttons   buttonKey  // signs the Share and CSV buttons for their requester
	trail     auditTrail // nil: nothing is recorded
	auditors  []string   // Slack users who may export the audit trail
	recent    recentCache
	history   lookups

	pool
	queue *queue
}

// HandlerConfig is what the handler needs to know of the configuration
// (Config.HandlerConfig builds it from the environment).
type HandlerConfig struct {
	Command     string         // the slash command, as help shows it
	InlineLimit int            // people listed in a message; above it the CSV is attached
	Location    *time.Location // zone of CSV times and fallback text; nil = UTC
	// Language (BOT_LANGUAGE) is what channels read, and users whose own
	// language is unknown or not in the catalog.
	Language string
	Access   AccessConfig
	Workers  int           // requests served at once by Go; default 16
	Timeout  time.Duration // deadline of a request from receipt, for Go; default 45s
	// MeetingRate (MEETING_RATE_LIMIT) is how many requests per second the
	// meeting API takes: until enough requests finished to measure it, the
	// rate a waiting user is told their wait from.
	MeetingRate float64
	// ButtonSecret keys the signatures of Share and CSV button values
	// (SLACK_BOT_TOKEN, so replicas agree); "" = a random key per process.
	ButtonSecret meeting.Secret
	Auditors     []string // Slack users who may export the audit trail (AUDIT_USER_IDS)
}

// HandlerDeps are the handler's collaborators. Looker and Out are
// required.
type HandlerDeps struct {
	Looker *Looker
	Out    responder
	// Views opens modals and publishes the Home tab; nil answers shortcuts
	// and Home with nothing (the terminal demo has neither).
	Views viewer
	// Locales tells each user's Slack locale; nil gives everyone Language.
	Locales localeSource
	// Subscriptions enables watch, unwatch and watching; nil answers that
	// automatic posts are not set up.
	Subscriptions subscriptions
	// Deliveries makes an envelope redelivered to another replica sharing
	// the store go unanswered too; nil remembers this process's only.
	Deliveries deliveries
	Metrics    *Metrics     // nil: a private registry nobody scrapes
	Log        *slog.Logger // nil: discard
	// Audit records what every request showed or did, and lets Auditors
	// export it; nil records nothing.
	Audit auditTrail
}

// NewHandler returns a Handler answering through d.Out.
func NewHandler(cfg HandlerConfig, d HandlerDeps) *Handler {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	return &Handler{
		looker: d.Looker, out: d.Out, views: d.Views, subs: d.Subscriptions, access: newAccess(cfg.Access),
		langs: newLanguages(d.Locales, cfg.Language, d.Log), channel: catalog.For(cfg.Language),
		inline: cfg.InlineLimit, loc: cfg.Location, slashName: cfg.Command,
		now: d.Looker.now, log: d.Log, buttons: newButtonKey(cfg.ButtonSecret), trail: d.Audit, auditors: cfg.Auditors,
		pool: newPool(cfg.Workers, cfg.Timeout, d.Deliveries, d.Metrics), queue: newQueue(cfg.MeetingRate),
	}
}

// recentShares remembers what this process shared where in the last
// minute (shareWindow), so a double tap on "Share in channel" posts once.
// Safe for concurrent use.
type recentShares struct {
	mu   sync.Mutex
	seen map[string]time.Time
}

// first records key at now and reports whether it is new within a minute.
func (r *recentShares) first(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = make(map[string]time.Time)
	}
	for k, t := range r.seen {
		if now.Sub(t) > shareWindow {
			delete(r.seen, k)
		}
	}
	if t, ok := r.seen[key]; ok && now.Sub(t) <= shareWindow {
		return false
	}
	r.seen[key] = now
	return true
}

// subscriptions keeps which channels want automatic posts.
type subscriptions interface {
	Watch(ctx context.Context, sub store.Subscription) (created bool, err error)
	Unwatch(ctx context.Context, channelID, kind, value string) (removed bool, err error)
	Watching(ctx context.Context, channelID string) ([]store.Subscription, error)
}

// Handle answers req at once: it admits it, waits for a free worker and
// serves it. Refused and throttled requests are answered without waiting
// for a worker. It never panics on bad input and always tells the user
// something, in their language, even when ctx has expired.
func (h *Handler) Handle(ctx context.Context, req Request) Result {
	if req.Received.IsZero() {
		req.Received = h.now()
	}
	wait := localeTimeout
	if viewOnly(req) {
		wait = localeTimeoutView
	}
	// The reader's language (users.info, a Slack round trip for a user not
	// seen for hours) is looked up beside the work: a lookup's meeting
	// requests go out at once, and the first sentence waits for it.
	now := h.now()
	req.p = catalog.Later(func() string { return h.langs.of(ctx, req.UserID, now, wait).Lang() })
	res := h.handle(ctx, req)
	h.record(req, res)
	return res
}

func (h *Handler) handle(ctx context.Context, req Request) Result {
	if res, ok := h.admit(ctx, req); !ok {
		return res
	}
	if viewOnly(req) {
		// A trigger opens a view within 3 s of the tap, and the form and
		// the Home tab cost a Slack call or two (and at most one cached
		// history call a minute), never a lookup: they do not queue
		// behind lookups for a worker.
		return h.serve(ctx, req)
	}
	ahead, wait := h.queue.enter(time.Now())
	if ahead >= cap(h.slots) {
		// Every worker is taken: say so now, truthfully, rather than let
		// the request time out later.
		if dl, ok := ctx.Deadline(); ok && wait > time.Until(dl)-answerMargin {
			h.queue.refuse()
			h.tell(ctx, req, req.p.N("queue.busy", ahead))
			return Result{Outcome: outcomeBusy}
		}
		if wait >= tellWaitAfter {
			msg := textMessage(req.p.N("queue.ahead", ahead, catalog.Args{"Seconds": int(wait.Round(time.Second) / time.Second)}))
			if at, err := h.replyAt(ctx, req, msg); err == nil {
				req.at = &at // the answer takes its place
			}
		}
	}
	if !h.takeSlot(ctx) {
		h.queue.refuse()
		h.tell(ctx, req, req.p.T("access.busy"))
		return Result{Outcome: outcomeTimeout, Err: ctx.Err()}
	}
	defer func() { h.queue.leave(time.Now()) }()
	defer func() { <-h.slots }()
	return h.serve(ctx, req)
}

// viewOnly reports whether req only opens the lookup form, publishes the
// Home tab or notes a closed form: a message shortcut on a message naming
// one meeting looks it up instead.
func viewOnly(req Request) bool {
	switch req.Action {
	case actionShortcut, actionModal, actionHome, actionClosed:
		return true
	case actionMessageShortcut:
		return len(meetingsIn(req.Text)) != 1
	}
	return false
}

// admit applies the access rules and the per-user rate limit, answering
// refused requests at once: they never wait for a worker or reach the
// meeting API. Slack reports the Home tab opened whenever the user looks
// at the app: that is not audited as a refusal, the tab itself says why it
// has nothing to offer.
func (h *Handler) admit(ctx context.Context, req Request) (Result, bool) {
	if !h.access.allowed(req.UserID, h.accessChannel(req), req.TeamID) {
		res := Result{Outcome: outcomeRefused}
		switch req.Action {
		case actionHome:
			res.Err = h.publishRefusedHome(ctx, req)
		case actionClosed:
		default:
			h.tell(ctx, req, req.p.T("access.refused"))
			res.note(store.AuditRefused, store.AudiencePrivate)
		}
		return res, false
	}
	if req.Action == actionHome || req.Action == actionClosed {
		return Result{}, true // cheap by construction; never throttled
	}
	if !h.access.take(req.UserID, h.now()) {
		h.tell(ctx, req, req.p.T("access.throttled"))
		return Result{Outcome: outcomeThrottled}, false
	}
	return Result{}, true
}

// accessChannel is the channel the access rules judge req by: where it
// was typed or tapped, except for what a message shortcut started in a
// channel and the user finishes in their DM with the bot: the form it
// opened (its private_metadata names the channel) and the buttons under
// its answer (their signed value does, and only the requester's own
// count). Anything else in the DM, or about no channel (the global
// shortcut, the Home tab), is judged by the DM or by nothing.
func (h *Handler) accessChannel(req Request) string {
	switch {
	case req.Form != nil:
		return parseMeta(req.Form.Meta, "").Channel
	case strings.HasPrefix(req.ChannelID, "D") && signed(req.Value):
		if ref, err := h.buttons.verify(req.Value, req.UserID); err == nil && ref.Channel != "" {
			return ref.Channel
		}
	}
	return req.ChannelID
}

// serve answers an admitted request.
func (h *Handler) serve(ctx context.Context, req Request) Result {
	var res Result
	var err error
	switch req.Action {
	case "":
		res, err = h.slash(ctx, req)
	case actionOpen:
		res, err = h.open(ctx, req)
	case actionShare:
		res, err = h.share(ctx, req)
	case actionCSV:
		res, err = h.csv(ctx, req)
	case actionUnwatch:
		res, err = h.unwatchButton(ctx, req)
	case actionShortcut, actionModal:
		res, err = h.shortcut(ctx, req)
	case actionMessageShortcut:
		res, err = h.messageShortcut(ctx, req)
	case actionSubmit:
		res, err = h.submit(ctx, req)
	case actionHome:
		res, err = h.home(ctx, req)
	case actionClosed:
		return Result{Outcome: outcomeClosed}
	default:
		return Result{Outcome: outcomeIgnored}
	}
	if err == nil {
		if res.Outcome == "" {
			res.Outcome = outcomeOK
		}
		return res
	}
	outcome, text, ref := explain(err, req.p, h.slashName)
	res.Outcome, res.Ref, res.Err = outcome, ref, err
	h.tell(ctx, req, text)
	return res
}
