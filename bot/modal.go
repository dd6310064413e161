package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// viewer opens modals and publishes the Home tab.
type viewer interface {
	OpenView(ctx context.Context, triggerID string, v slack.ModalViewRequest) (viewID, hash string, err error)
	UpdateView(ctx context.Context, viewID, hash string, v slack.ModalViewRequest) error
	PublishHome(ctx context.Context, userID string, v slack.HomeTabViewRequest) error
}

// The lookup modal's inputs (block and action IDs).
const (
	blockTarget  = "target"
	actionTarget = "target_input"
	blockRecent  = "recent"
	actionRecent = "recent_select"
	blockRuns    = "runs"
	actionRuns   = "runs_choice"
	blockLoading = "recent_loading"

	runsThis = "this"
	runsLast = "last"
	// lastRuns is how many runs "the last runs" covers: as "last" alone.
	lastRuns = defaultLast
)

// Form is a submitted lookup modal, as the user filled it in.
type Form struct {
	Target string // typed meeting ID, conference UUID or subject words
	Picked string // the lookupRef of the recent meeting picked
	Runs   string // runsThis or runsLast
	// Meta is the modal's private_metadata: the language it was shown in
	// and the channel a Share button should share in.
	Meta string
}

// modalMeta is what the modal remembers between opening and submission.
type modalMeta struct {
	Lang    string
	Channel string // "" when there is no channel to share in
}

func (m modalMeta) String() string {
	v := url.Values{"l": {m.Lang}}
	if m.Channel != "" {
		v.Set("ch", m.Channel)
	}
	return v.Encode()
}

// parseMeta reads private_metadata back; it comes from Slack, so the
// channel is checked and an unknown language becomes the fallback.
func parseMeta(s, fallback string) modalMeta {
	v, _ := url.ParseQuery(s)
	m := modalMeta{Lang: catalog.Supported(v.Get("l")), Channel: v.Get("ch")}
	if v.Get("l") == "" {
		m.Lang = catalog.Supported(fallback)
	}
	if !validChannelID(m.Channel) {
		m.Channel = ""
	}
	return m
}

// lookupModal is the modal of the lookup shortcut: a field for what to
// look up, a picker of recent meetings (or a line saying they are being
// loaded, when recent is nil) and the choice of this run or the last runs.
func lookupModal(p *catalog.Printer, meta modalMeta, prefill, note string, recent []meeting.Conference, loading bool, loc *time.Location) slack.ModalViewRequest {
	input := slack.NewPlainTextInputBlockElement(plain(p.T("modal.target_hint")), actionTarget)
	input.InitialValue = truncateRunes(prefill, maxCommandText)
	input.MaxLength = maxCommandText
	blocks := []slack.Block{
		slack.NewInputBlock(blockTarget, plain(p.T("modal.target")), nil, input).WithOptional(true),
	}
	if note != "" {
		blocks = append(blocks, slack.NewContextBlock("", slack.NewTextBlockObject(slack.MarkdownType, note, false, false)))
	}
	switch {
	case len(recent) > 0:
		var options []*slack.OptionBlockObject
		for i, c := range recent {
			if i == maxChoices {
				break
			}
			label := c.Subject
			if strings.TrimSpace(label) == "" {
				label = p.T("choices.no_subject")
			}
			if !c.Start.IsZero() {
				label = truncateRunes(label, 55) + " · " + c.Start.In(loc).Format("01-02 15:04")
			}
			options = append(options, slack.NewOptionBlockObject(lookupRef{ConfUUID: c.ConfUUID}.String(), plain(truncateRunes(label, 75)), nil))
		}
		sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(p.T("modal.recent_hint")), actionRecent, options...)
		blocks = append(blocks, slack.NewInputBlock(blockRecent, plain(p.T("modal.recent")), nil, sel).WithOptional(true))
	case loading:
		blocks = append(blocks, slack.NewContextBlock(blockLoading, slack.NewTextBlockObject(slack.MarkdownType, p.T("modal.loading"), false, false)))
	default:
		blocks = append(blocks, slack.NewContextBlock(blockLoading, slack.NewTextBlockObject(slack.MarkdownType, p.T("modal.no_recent"), false, false)))
	}
	this := slack.NewOptionBlockObject(runsThis, plain(p.T("modal.runs_this")), nil)
	last := slack.NewOptionBlockObject(runsLast, plain(p.N("modal.runs_last", lastRuns)), nil)
	radio := slack.NewRadioButtonsBlockElement(actionRuns, this, last)
	radio.InitialOption = this
	blocks = append(blocks, slack.NewInputBlock(blockRuns, plain(p.T("modal.runs")), plain(p.T("modal.runs_help")), radio))
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      actionSubmit,
		Title:           plain(p.T("modal.title")),
		Submit:          plain(p.T("modal.submit")),
		Close:           plain(p.T("modal.close")),
		PrivateMetadata: meta.String(),
		NotifyOnClose:   true,
		Blocks:          slack.Blocks{BlockSet: blocks},
	}
}

// shortcut opens the lookup modal: the global shortcut and the Home tab's
// button. The trigger lives 3 s, so the modal opens at once with the
// recent meetings already cached, or with a line saying they are loading
// and an update once they are.
func (h *Handler) shortcut(ctx context.Context, req Request) (Result, error) {
	return h.openModal(ctx, req, modalMeta{Lang: req.p.Lang()}, "", "")
}

func (h *Handler) openModal(ctx context.Context, req Request, meta modalMeta, prefill, note string) (Result, error) {
	if h.views == nil || req.TriggerID == "" {
		return Result{Outcome: outcomeIgnored}, nil
	}
	recent, fresh := h.recent.cached(h.now())
	view := lookupModal(req.p, meta, prefill, note, recent, !fresh, h.loc)
	id, hash, err := h.views.OpenView(ctx, req.TriggerID, view)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) && (se.Err == "expired_trigger_id" || se.Err == "exchanged_trigger_id") {
		// Nothing was lost: say so where it stays, and how to go on.
		h.log.LogAttrs(ctx, slog.LevelWarn, "modal trigger expired", slog.String("user", req.UserID), slog.Duration("age", h.now().Sub(req.Received)))
		return Result{Outcome: outcomeTimeout, Err: err}, h.reply(ctx, req, textMessage(req.p.T("modal.expired", catalog.Args{"Cmd": h.slashName})))
	}
	if err != nil {
		return Result{}, fmt.Errorf("open the lookup modal: %w", err)
	}
	if fresh {
		return Result{}, nil
	}
	confs, rerr := h.recentMeetings(ctx)
	if rerr != nil {
		h.log.LogAttrs(ctx, slog.LevelInfo, "recent meetings for the modal unavailable", slog.Any("err", rerr))
	}
	view = lookupModal(req.p, meta, prefill, note, confs, false, h.loc)
	if err := h.views.UpdateView(ctx, id, hash, view); err != nil {
		// The user typed or closed meanwhile: the modal still works without
		// the picker.
		h.log.LogAttrs(ctx, slog.LevelInfo, "modal not updated with recent meetings", slog.Any("err", err))
	}
	return Result{}, nil
}

// AckPayload is what the acknowledgement of req carries: for a submitted
// lookup modal with nothing usable in it, the errors Slack shows on its
// fields (the modal stays open); nil otherwise. It is pure and quick, for
// the adapter to call before acking.
func (h *Handler) AckPayload(req Request) any {
	if req.Action != actionSubmit || req.Form == nil {
		return nil
	}
	p := catalog.For(parseMeta(req.Form.Meta, h.channel.Lang()).Lang)
	errs := h.checkForm(p, *req.Form)
	if len(errs) == 0 {
		return nil
	}
	// Slack shows a field's error as plain text: `code` would keep its
	// backticks.
	for block, text := range errs {
		errs[block] = strings.ReplaceAll(text, "`", "")
	}
	return slack.NewErrorsViewSubmissionResponse(errs)
}

// checkForm returns the error of each field of f that stops the lookup.
func (h *Handler) checkForm(p *catalog.Printer, f Form) map[string]string {
	if strings.TrimSpace(f.Target) == "" {
		if f.Picked == "" {
			return map[string]string{blockTarget: p.T("modal.need_target")}
		}
		if _, err := parseRef(f.Picked); err != nil {
			return map[string]string{blockRecent: p.T("input.stale_button")}
		}
		return nil
	}
	cmd, err := ParseCommand(f.Target)
	var ie *InputError
	switch {
	case errors.As(err, &ie):
		return map[string]string{blockTarget: ie.Message(p, h.slashName)}
	case err != nil:
		return map[string]string{blockTarget: p.T("error.invalid")}
	}
	switch cmd.Kind {
	case KindConfUUID:
		if f.Runs == runsLast {
			return map[string]string{blockRuns: p.T("modal.runs_need_id")}
		}
	case KindMeetingID, KindSubject:
	default:
		return map[string]string{blockTarget: p.T("modal.only_lookup", catalog.Args{"Cmd": h.slashName})}
	}
	return nil
}

// submit answers a submitted lookup modal in the user's DM, in the
// language the modal was shown in.
func (h *Handler) submit(ctx context.Context, req Request) (Result, error) {
	meta := parseMeta(req.Form.Meta, req.p.Lang())
	req.p = catalog.For(meta.Lang)
	if errs := h.checkForm(req.p, *req.Form); len(errs) > 0 {
		return Result{Outcome: outcomeInvalid}, nil // the ack showed them
	}
	ref := lookupRef{Channel: meta.Channel}
	if strings.TrimSpace(req.Form.Target) == "" {
		picked, _ := parseRef(req.Form.Picked)
		conf := meeting.Conference{ConfUUID: picked.ConfUUID}
		if req.Form.Runs == runsLast {
			return h.series(ctx, req, Command{Kind: KindConfUUID, Target: conf.ConfUUID, Last: lastRuns, Search: picked.Search}, ref)
		}
		return h.lookup(ctx, req, conf, nil, ref, false)
	}
	cmd, _ := ParseCommand(req.Form.Target)
	if req.Form.Runs == runsLast && cmd.Last == 0 {
		cmd.Last = lastRuns
	}
	return h.find(ctx, req, cmd, ref)
}

// messageShortcut looks up the meeting a message names, with Share in the
// message's channel; a message naming none or several opens the modal,
// prefilled, instead.
func (h *Handler) messageShortcut(ctx context.Context, req Request) (Result, error) {
	found := meetingsIn(req.Text)
	meta := modalMeta{Lang: req.p.Lang(), Channel: req.ChannelID}
	if !validChannelID(req.ChannelID) {
		meta.Channel = ""
	}
	switch len(found) {
	case 1:
		cmd, err := ParseCommand(found[0])
		if err != nil {
			return Result{}, err
		}
		// The answer goes to the DM (the adapter passes no response_url),
		// with Share into the message's channel.
		return h.find(ctx, req, cmd, lookupRef{Channel: meta.Channel})
	case 0:
		return h.openModal(ctx, req, meta, plainWords(req.Text), req.p.T("modal.none_found"))
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = "`" + formatting.Escape(f) + "`"
	}
	return h.openModal(ctx, req, meta, found[0], req.p.T("modal.several_found", catalog.Args{"List": strings.Join(names, ", ")}))
}
