package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/attendees-bot/attendees-bot/bot/store"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/formatting/attendance"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Button action IDs. Their values carry the conference (see lookupRef).
const (
	actionShare   = "attendees_share"   // post the shared version in the channel
	actionCSV     = "attendees_csv"     // send the CSV to the requester's DM
	actionOpen    = "attendees_open"    // look up another conference
	actionUnwatch = "attendees_unwatch" // stop one of the channel's subscriptions
)

// Request is one thing a user asked: a slash command or a button press.
type Request struct {
	UserID, ChannelID, TeamID string
	Text                      string // slash command text
	ResponseURL               string
	Action                    string // "" for a slash command
	Value                     string // the pressed button's value

	// EnvelopeID and Received are set by the Socket Mode adapter: a
	// redelivered envelope is answered once, and the deadline runs from
	// receipt.
	EnvelopeID string
	Received   time.Time
}

// Reply is a message sent through a request's response_url.
type Reply struct {
	Message   formatting.Message
	InChannel bool // visible to the channel; default is the requester only
}

// Upload is a file to share in a conversation.
type Upload struct {
	ChannelID, ThreadTS string
	Filename, Title     string
	Comment             string
	Content             []byte
}

// responder is how the handler talks back. The Slack implementation uses the
// Web API; the demo prints to a terminal.
type responder interface {
	Respond(ctx context.Context, responseURL string, r Reply) error
	Post(ctx context.Context, channelID string, m formatting.Message) (ts string, err error)
	OpenDM(ctx context.Context, userID string) (channelID string, err error)
	Upload(ctx context.Context, f Upload) error
}

// Result is what handling one request did, for its log line, metrics and
// audit trail.
type Result struct {
	Outcome   string
	Ref       string // reference shown to the user for internal errors
	ConfUUID  string
	MeetingID string
	People    int
	Records   int
	Err       error
	Audit     []Audited // what it showed or did, one audit row each
}

// Audited is one thing a request showed or did: an audit action
// (store.Audit*) and who could see it (store.Audience*). Its row carries
// the request's conference, counts and outcome.
type Audited struct{ Action, Audience string }

// note adds what the request showed or did to its audit trail.
func (r *Result) note(action, audience string) { r.Audit = append(r.Audit, Audited{action, audience}) }

// Handler decides the reply to every request and owns how requests are
// admitted: access rules, per-user rate limit, redelivered envelopes and
// the bounded pool of workers. Safe for concurrent use.
type Handler struct {
	looker    *Looker
	out       responder
	subs      subscriptions // nil: automatic posts are not set up
	access    *access
	inline    int
	loc       *time.Location
	lang      string
	slashName string
	now       func() time.Time
	log       *slog.Logger
	shares    recentShares
	buttons   buttonKey  // signs the Share and CSV buttons for their requester
	trail     auditTrail // nil: nothing is recorded
	auditors  []string   // Slack users who may export the audit trail

	pool
}

// HandlerConfig is what the handler needs to know of the configuration
// (Config.HandlerConfig builds it from the environment).
type HandlerConfig struct {
	Command     string         // the slash command, as help shows it
	InlineLimit int            // people listed in a message; above it the CSV is attached
	Location    *time.Location // zone of CSV times and fallback text; nil = UTC
	Language    string         // language of the summary labels: "en-US" or "zh-CN"
	Access      AccessConfig
	Workers     int           // requests served at once by Go; default 16
	Timeout     time.Duration // deadline of a request from receipt, for Go; default 45s
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
		looker: d.Looker, out: d.Out, subs: d.Subscriptions, access: newAccess(cfg.Access),
		inline: cfg.InlineLimit, loc: cfg.Location, lang: cfg.Language, slashName: cfg.Command,
		now: d.Looker.now, log: d.Log, buttons: newButtonKey(cfg.ButtonSecret), trail: d.Audit, auditors: cfg.Auditors,
		pool: newPool(cfg.Workers, cfg.Timeout, d.Deliveries, d.Metrics),
	}
}

// recentShares remembers what was shared where in the last minute, so a
// double tap on "Share in channel" posts once. Safe for concurrent use.
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
		if now.Sub(t) > time.Minute {
			delete(r.seen, k)
		}
	}
	if t, ok := r.seen[key]; ok && now.Sub(t) <= time.Minute {
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
// something, even when ctx has expired.
func (h *Handler) Handle(ctx context.Context, req Request) Result {
	if req.Received.IsZero() {
		req.Received = h.now()
	}
	res := h.handle(ctx, req)
	h.record(req, res)
	return res
}

func (h *Handler) handle(ctx context.Context, req Request) Result {
	if res, ok := h.admit(ctx, req); !ok {
		return res
	}
	if !h.takeSlot(ctx) {
		h.tell(ctx, req, "I'm very busy right now and couldn't get to your request in time. Please try again in a minute.")
		return Result{Outcome: outcomeTimeout, Err: ctx.Err()}
	}
	defer func() { <-h.slots }()
	return h.serve(ctx, req)
}

// admit applies the access rules and the per-user rate limit, answering
// refused requests at once: they never wait for a worker or reach the
// meeting API.
func (h *Handler) admit(ctx context.Context, req Request) (Result, bool) {
	if !h.access.allowed(req.UserID, req.ChannelID, req.TeamID) {
		h.tell(ctx, req, "Sorry, you don't have access to the attendance bot here. Ask your Slack admin if you need it.")
		res := Result{Outcome: outcomeRefused}
		res.note(store.AuditRefused, store.AudiencePrivate)
		return res, false
	}
	if !h.access.take(req.UserID, h.now()) {
		h.tell(ctx, req, "You're asking faster than I can answer. Please wait a few seconds and try again.")
		return Result{Outcome: outcomeThrottled}, false
	}
	return Result{}, true
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
	default:
		return Result{Outcome: outcomeIgnored}
	}
	if err == nil {
		if res.Outcome == "" {
			res.Outcome = outcomeOK
		}
		return res
	}
	outcome, text, ref := explain(err)
	res.Outcome, res.Ref, res.Err = outcome, ref, err
	h.tell(ctx, req, text)
	return res
}

// tell sends one private sentence. A request past its deadline still gets
// its answer: the reply uses a short context of its own.
func (h *Handler) tell(ctx context.Context, req Request, text string) {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), replyGrace)
		defer cancel()
	}
	if err := h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text)}); err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "reply failed", slog.String("user", req.UserID), slog.Any("err", err))
	}
}

func (h *Handler) slash(ctx context.Context, req Request) (Result, error) {
	cmd, err := ParseCommand(req.Text)
	if err != nil {
		return Result{}, err
	}
	switch cmd.Kind {
	case KindHelp:
		return Result{}, h.out.Respond(ctx, req.ResponseURL, Reply{Message: helpMessage(h.slashName)})
	case KindWatch, KindUnwatch, KindWatching:
		return h.watch(ctx, req, cmd)
	case KindAudit:
		return h.auditExport(ctx, req, cmd)
	case KindRecent:
		confs, err := h.looker.Recent(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("recent meetings: %w", err)
		}
		msg := choicesMessage("Recent meetings: tap one to see who was there.", "No meetings ended in the last 30 days that I can see. Try a meeting ID.", confs, cmd.Search, h.loc)
		return Result{}, h.out.Respond(ctx, req.ResponseURL, Reply{Message: msg})
	}
	conf, others, err := h.looker.Resolve(ctx, cmd)
	if err != nil {
		return Result{}, err
	}
	if conf.ConfUUID == "" {
		title := fmt.Sprintf("%d meetings match “%s”: tap one.", len(others), formatting.Escape(cmd.Target))
		if len(others) > maxChoices {
			title = fmt.Sprintf("More than %d meetings match “%s”; here are the newest. Add words to narrow it down.", maxChoices, formatting.Escape(cmd.Target))
			others = others[:maxChoices]
		}
		return Result{}, h.out.Respond(ctx, req.ResponseURL, Reply{Message: choicesMessage(title, "", others, cmd.Search, h.loc)})
	}
	return h.lookup(ctx, req, conf, others, cmd.Search, cmd.CSV)
}

// open answers a tap on one of several offered conferences.
func (h *Handler) open(ctx context.Context, req Request) (Result, error) {
	ref, err := parseRef(req.Value)
	if err != nil {
		return Result{}, err
	}
	return h.lookup(ctx, req, meeting.Conference{ConfUUID: ref.ConfUUID}, nil, ref.Search, false)
}

// lookup sends the private summary of one conference, with the CSV in the
// requester's DM when the list is long or was asked for.
func (h *Handler) lookup(ctx context.Context, req Request, conf meeting.Conference, others []meeting.Conference, search string, wantCSV bool) (Result, error) {
	rep, err := h.looker.Report(ctx, conf, search)
	if err != nil {
		res := Result{ConfUUID: conf.ConfUUID, MeetingID: conf.ConferenceID}
		res.note(store.AuditLookup, store.AudiencePrivate)
		return res, err
	}
	res := resultOf(rep)
	res.note(store.AuditLookup, store.AudiencePrivate)
	opts := formatting.MessageOptions{Audience: formatting.Private, Lang: h.lang, InlineLimit: h.inline, Location: h.loc}
	msg := formatting.Summary(rep, opts)
	if wantCSV || msg.More > 0 {
		// Send the file first so the reply says truly where it went.
		opts.FileNote, _ = h.csvToDM(ctx, req, rep, formatting.Private, &res)
		msg = formatting.Summary(rep, opts)
	}
	ref := lookupRef{ConfUUID: conf.ConfUUID, Search: search}
	msg.Blocks = append(msg.Blocks, instancesBlocks(others, search, h.loc)...)
	msg.Blocks = append(msg.Blocks, lookupActions(h.buttons.sign(ref, req.UserID)))
	return res, h.out.Respond(ctx, req.ResponseURL, Reply{Message: msg})
}

// buttonReport is the report a pressed Share or CSV button refers to; the
// button must be the presser's own (see buttonKey).
func (h *Handler) buttonReport(ctx context.Context, req Request) (*attendance.Report, error) {
	ref, err := h.buttons.verify(req.Value, req.UserID)
	if err != nil {
		return nil, err
	}
	return h.reportOf(ctx, ref)
}

func (h *Handler) reportOf(ctx context.Context, ref lookupRef) (*attendance.Report, error) {
	return h.looker.Report(ctx, meeting.Conference{ConfUUID: ref.ConfUUID}, ref.Search)
}

// csv answers the CSV button: the file goes to the requester's DM.
func (h *Handler) csv(ctx context.Context, req Request) (Result, error) {
	rep, err := h.buttonReport(ctx, req)
	if err != nil {
		return Result{}, err
	}
	res := resultOf(rep)
	note, sent := h.csvToDM(ctx, req, rep, formatting.Private, &res)
	if !sent {
		res.Outcome = outcomeSlack
	}
	return res, h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(note)})
}

// share posts the shared version (numbers masked) in the channel, with the
// masked CSV in its thread when the list is long. Where the bot may not post,
// it shares through the command's response_url and sends the CSV to the
// requester's DM, and says so.
func (h *Handler) share(ctx context.Context, req Request) (Result, error) {
	ref, err := h.buttons.verify(req.Value, req.UserID)
	if err != nil {
		return Result{}, err
	}
	// The guard keys on what would be posted, not on the raw value, so a
	// value dressed up differently is still the same share.
	if !h.shares.first(req.ChannelID+"|"+ref.key(), h.now()) {
		return Result{Outcome: outcomeDuplicate}, h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage("That was shared in this channel a moment ago.")})
	}
	rep, err := h.reportOf(ctx, ref)
	if err != nil {
		return Result{}, err
	}
	res := resultOf(rep)
	res.note(store.AuditShare, store.AudienceChannel)
	opts := formatting.MessageOptions{Audience: formatting.Shared, Lang: h.lang, InlineLimit: h.inline, Location: h.loc}
	// The file goes into the post's thread after the post exists, so the
	// post itself promises nothing about it.
	msg := formatting.Summary(rep, opts)
	long := msg.More > 0
	ts, err := h.out.Post(ctx, req.ChannelID, msg)
	switch {
	case notMember(err):
		h.log.LogAttrs(ctx, slog.LevelInfo, "cannot post in channel, sharing via response_url", slog.String("channel", req.ChannelID), slog.Any("err", err))
		text := "I'm not a member of this channel, so I shared the summary through your command."
		if long {
			// Send the file first, so the shared note is true.
			sentence, sent := h.csvToDM(ctx, req, rep, formatting.Shared, &res)
			text += " " + sentence
			if sent {
				opts.FileNote = "📎 The full list (CSV) was sent to the person who shared this."
				msg = formatting.Summary(rep, opts)
			}
		}
		if err := h.out.Respond(ctx, req.ResponseURL, Reply{Message: msg, InChannel: true}); err != nil {
			return res, fmt.Errorf("share via response_url: %w", err)
		}
		text += " Invite me to the channel to have files attached there."
		return res, h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text)})
	case err != nil:
		return res, fmt.Errorf("share in channel: %w", err)
	}
	text := "Shared in the channel (phone numbers masked)."
	if long {
		up := h.csvUpload(rep, formatting.Shared, req.ChannelID, ts)
		up.Comment = "📎 The full list (CSV, phone numbers masked)."
		if err := h.out.Upload(ctx, up); err != nil {
			h.log.LogAttrs(ctx, slog.LevelWarn, "csv upload to channel failed", slog.String("channel", req.ChannelID), slog.Any("err", err))
			sentence, _ := h.csvToDM(ctx, req, rep, formatting.Shared, &res)
			text += " I couldn't attach the CSV in the thread (" + slackReason(err) + "). " + sentence
		}
	}
	return res, h.out.Respond(ctx, req.ResponseURL, Reply{Message: textMessage(text)})
}

// csvToDM sends the CSV to the requester's DM, notes it in res's audit
// trail, and returns the sentence that tells them where it went (or why it
// did not) and whether it was sent. A file cannot be ephemeral, so the DM
// is the private place for it.
func (h *Handler) csvToDM(ctx context.Context, req Request, rep *attendance.Report, aud formatting.Audience, res *Result) (string, bool) {
	if failure, ok := h.fileToDM(ctx, req, h.csvUpload(rep, aud, "", ""), "CSV"); !ok {
		return failure + " Please try the CSV button again.", false
	}
	res.note(store.AuditCSV, store.AudienceDM)
	return fmt.Sprintf("📎 The full list (CSV, %d records) is in your direct messages with me.", len(rep.Meeting.Records)), true
}

// fileToDM uploads up to the requester's DM. When it cannot, it returns
// the sentence saying why, naming the file as what.
func (h *Handler) fileToDM(ctx context.Context, req Request, up Upload, what string) (failure string, ok bool) {
	channel, err := h.out.OpenDM(ctx, req.UserID)
	if err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "open DM failed", slog.String("user", req.UserID), slog.Any("err", err))
		return "I couldn't open a direct message with you to send the " + what + " (" + slackReason(err) + ").", false
	}
	up.ChannelID = channel
	if err := h.out.Upload(ctx, up); err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "file upload failed", slog.String("channel", channel), slog.String("file", up.Filename), slog.Any("err", err))
		return "I couldn't send the " + what + " file (" + slackReason(err) + ").", false
	}
	return "", true
}

func (h *Handler) csvUpload(rep *attendance.Report, aud formatting.Audience, channel, ts string) Upload {
	f := formatting.CSVFile(rep, formatting.CSVOptions{Audience: aud, Location: h.loc})
	return Upload{ChannelID: channel, ThreadTS: ts, Filename: f.Name, Title: f.Title, Content: f.Content}
}

func resultOf(rep *attendance.Report) Result {
	return Result{ConfUUID: rep.Meeting.ConfUUID, MeetingID: rep.Meeting.MeetingID, People: len(rep.People), Records: len(rep.Meeting.Records)}
}

// lookupRef is what a button remembers: a conference and the people filter.
type lookupRef struct {
	ConfUUID string
	Search   string
}

func (r lookupRef) String() string {
	v := url.Values{"c": {r.ConfUUID}}
	if r.Search != "" {
		v.Set("q", r.Search)
	}
	return v.Encode()
}

func parseRef(s string) (lookupRef, error) {
	v, err := url.ParseQuery(s)
	if err != nil {
		return lookupRef{}, &InputError{Msg: "That button is out of date. Please run the command again."}
	}
	r := lookupRef{ConfUUID: v.Get("c"), Search: v.Get("q")}
	if err := meeting.ValidateConfUUID(r.ConfUUID); err != nil {
		return lookupRef{}, &InputError{Msg: "That button is out of date. Please run the command again."}
	}
	return r, nil
}
