package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/catalog"
	"github.com/attendees-bot/attendees-bot/formatting"
	"github.com/attendees-bot/attendees-bot/meeting"
)

// Outcomes label what happened to a command, in logs and metrics.
const (
	outcomeOK          = "ok"
	outcomeInvalid     = "invalid_input"
	outcomeNotFound    = "not_found"
	outcomeForbidden   = "no_permission"
	outcomeUnavailable = "unavailable"
	outcomeTimeout     = "timeout"
	outcomeSlack       = "slack_error"
	outcomeInternal    = "internal"
	outcomeRefused     = "refused"
	outcomeThrottled   = "throttled"
	outcomeBusy        = "busy" // refused at once: the queue is longer than the request can wait
	outcomeDuplicate   = "duplicate"
	outcomeTooLarge    = "too_large"
	outcomeIgnored     = "ignored" // a button or shortcut of another app, or one this setup lacks
	outcomeClosed      = "closed"  // the user closed the lookup modal
	outcomeStore       = "store_unavailable"
)

// errorTable maps every error the bot can meet to the catalog message the
// user reads. Order matters: the first match wins. Details go to the log.
var errorTable = []struct {
	match   func(error) bool
	outcome string
	text    func(err error, p *catalog.Printer, cmd string) string
}{
	{errInvalid, outcomeInvalid, func(err error, p *catalog.Printer, cmd string) string {
		var ie *InputError
		if errors.As(err, &ie) {
			return ie.Message(p, cmd)
		}
		return (&InputError{Key: "error.invalid", Usage: true}).Message(p, cmd)
	}},
	{isNotFound, outcomeNotFound, func(err error, p *catalog.Printer, cmd string) string {
		var nf *notFound
		errors.As(err, &nf)
		return p.T(nf.key, nf.with(catalog.Args{"Cmd": cmd}, formatting.Escape))
	}},
	{is(errNoSeries), outcomeInvalid, message("error.no_series")},
	{is(meeting.ErrNotFound), outcomeNotFound, message("error.not_found")},
	{is(meeting.ErrForbidden), outcomeForbidden, message("error.forbidden")},
	{is(meeting.ErrUnauthorized), outcomeForbidden, message("error.unauthorized")},
	{is(meeting.ErrTooManyRecords), outcomeTooLarge, message("error.too_large")},
	{is(meeting.ErrTooLarge), outcomeTooLarge, message("error.too_large_answer")},
	// Before the deadline row: a store that timed out is the store's fault.
	{is(errStore), outcomeStore, message("error.store")},
	// Before the deadline row too: the time went waiting for other
	// commands' records, not for the meeting service.
	{is(errBusy), outcomeBusy, message("error.busy")},
	{is(context.DeadlineExceeded), outcomeTimeout, message("error.timeout")},
	{is(context.Canceled), outcomeUnavailable, message("error.restarting")},
	{is(meeting.ErrRateLimited), outcomeUnavailable, message("error.rate_limited")},
	{is(meeting.ErrUnavailable), outcomeUnavailable, message("error.unavailable")},
	{isSlack, outcomeSlack, func(err error, p *catalog.Printer, _ string) string {
		return p.T("error.slack", catalog.Args{"Reason": slackReason(err)})
	}},
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func isNotFound(err error) bool {
	var nf *notFound
	return errors.As(err, &nf)
}

func message(key string) func(error, *catalog.Printer, string) string {
	return func(_ error, p *catalog.Printer, cmd string) string { return p.T(key, catalog.Args{"Cmd": cmd}) }
}

// explain returns the outcome label and the user's sentence for err, in
// p's language. ref is the reference printed for internal errors; the
// caller logs it.
func explain(err error, p *catalog.Printer, cmd string) (outcome, text, ref string) {
	for _, row := range errorTable {
		if row.match(err) {
			return row.outcome, row.text(err, p, cmd), ""
		}
	}
	ref = newRef()
	return outcomeInternal, p.T("error.internal", catalog.Args{"Ref": ref}), ref
}

// newRef returns a short random reference that links a user's message to a log line.
func newRef() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isSlack(err error) bool { return slackCode(err) != "" }

// slackReason is the short code Slack gave for a failure, for people.
func slackReason(err error) string {
	if code := slackCode(err); code != "" {
		return code
	}
	return "unknown"
}

// slackCode is the short code of a Slack API failure, "" when err is not one.
func slackCode(err error) string {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &se):
		return se.Err
	case errors.As(err, &rl):
		return "ratelimited" // Slack's own code for its 429
	case errors.As(err, &sc):
		return fmt.Sprintf("HTTP %d", sc.Code)
	}
	return ""
}

// refusedAuth reports whether a Slack error code says the token is no good.
func refusedAuth(code string) bool {
	switch code {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired":
		return true
	}
	return false
}

// notMember reports whether err says the bot cannot post in that channel.
func notMember(err error) bool {
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) {
		return false
	}
	switch se.Err {
	case "not_in_channel", "channel_not_found", "is_archived", "restricted_action", "access_denied":
		return true
	}
	return false
}

// UserMessage is the sentence a person reads for err at a terminal, in
// English: the Slack sentence, or its terminal version where the Slack one
// points at Slack or its admin, with command (the lookup command line) in
// usage examples, as plain text. Internal errors show the error itself.
func UserMessage(err error, command string) string {
	p := catalog.For(catalog.English)
	_, text, ref := explain(err, p, command)
	if ref != "" {
		return p.T("cli.unexpected", catalog.Args{"Err": err.Error()})
	}
	for _, row := range cliMessages {
		if errors.Is(err, row.err) {
			text = p.T(row.key)
		}
	}
	if nf := (*notFound)(nil); errors.As(err, &nf) {
		key := nf.key
		switch key { // where the Slack sentence points at Slack
		case "error.no_match_words":
			key = "cli.no_match_words"
		case "error.no_match_newest":
			key = "cli.no_match_newest"
		}
		text = p.T(key, nf.with(nil, func(s string) string { return s }))
	}
	var ie *InputError
	if errors.As(err, &ie) && ie.Usage {
		text = p.Join(p.T(ie.Key, ie.Args), p.T("cli.usage", catalog.Args{"Cmd": command}))
	}
	return strings.ReplaceAll(text, "`", "")
}

// cliMessages are the terminal's versions of sentences meant for Slack.
var cliMessages = []struct {
	err error
	key string
}{
	{meeting.ErrUnauthorized, "cli.unauthorized"},
	{meeting.ErrTooLarge, "cli.too_large_answer"},
	{meeting.ErrTooManyRecords, "cli.too_large"},
}
