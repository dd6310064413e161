// viewcheck.go owns the checks on what the app sends as a view: it applies
// Slack's view limits (the constants in views.go) to blocks, title, inputs
// and their options and private_metadata, and checks the response_action of
// a view_submission ack.

package slackfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// checkView applies Slack's view limits: a type, at most 100 blocks that
// decode and pass the message checks, a modal's plain_text title (and
// submit and close) of at most 24 characters, a submit button when it has
// inputs, unique block IDs, at most 3,000 characters of private_metadata.
func checkView(b viewBody) error {
	if b.Type != "modal" && b.Type != "home" {
		return fmt.Errorf("view type %q; want modal or home", b.Type)
	}
	if n := utf8.RuneCountInString(b.PrivateMetadata); n > MaxPrivateMetadata {
		return fmt.Errorf("private_metadata has %d characters; Slack allows %d", n, MaxPrivateMetadata)
	}
	if len(b.CallbackID) > MaxCallbackID {
		return fmt.Errorf("callback_id longer than %d", MaxCallbackID)
	}
	var blocks slack.Blocks
	if err := json.Unmarshal(orEmpty(b.Blocks), &blocks); err != nil {
		return fmt.Errorf("blocks do not decode as slack.Blocks: %v", err)
	}
	if n := len(blocks.BlockSet); n > MaxViewBlocks {
		return fmt.Errorf("%d blocks; a view allows %d", n, MaxViewBlocks)
	}
	ids := map[string]bool{}
	inputs := 0
	for i, blk := range blocks.BlockSet {
		if id := blockID(blk); id != "" {
			if ids[id] {
				return fmt.Errorf("block_id %q twice", id)
			}
			ids[id] = true
		}
		if in, ok := blk.(*slack.InputBlock); ok {
			inputs++
			if b.Type != "modal" {
				return fmt.Errorf("block %d: input blocks belong in modals", i)
			}
			if err := checkInput(in); err != nil {
				return fmt.Errorf("block %d (input %q): %v", i, in.BlockID, err)
			}
			continue
		}
		if err := checkBlock(blk); err != nil {
			return fmt.Errorf("block %d (%s): %v", i, blk.BlockType(), err)
		}
	}
	if b.Type == "modal" {
		for name, t := range map[string]*json.RawMessage{"title": b.Title, "submit": b.Submit, "close": b.Close} {
			if t == nil {
				if name == "title" || (name == "submit" && inputs > 0) {
					return fmt.Errorf("modal without %s", name)
				}
				continue
			}
			var obj slack.TextBlockObject
			if err := json.Unmarshal(*t, &obj); err != nil || obj.Type != slack.PlainTextType {
				return fmt.Errorf("modal %s must be plain_text", name)
			}
			if err := checkTextObject(&obj, MaxViewTitle); err != nil {
				return fmt.Errorf("modal %s: %v", name, err)
			}
		}
	}
	return nil
}

func blockID(b slack.Block) string {
	if v, ok := b.(interface{ ID() string }); ok {
		return v.ID()
	}
	return ""
}

// checkInput checks an input block: a plain_text label and one element the
// fake knows how to submit, with at most 100 options of at most 75
// characters each.
func checkInput(in *slack.InputBlock) error {
	if in.BlockID == "" {
		return fmt.Errorf("input without block_id; submissions are keyed by it")
	}
	if in.Label == nil || in.Label.Type != slack.PlainTextType {
		return fmt.Errorf("label must be plain_text")
	}
	if err := checkTextObject(in.Label, 2000); err != nil {
		return fmt.Errorf("label: %v", err)
	}
	id, options := inputElement(in)
	if id == "" {
		return fmt.Errorf("element %T without action_id", in.Element)
	}
	if len(options) > MaxOptions {
		return fmt.Errorf("%d options; Slack allows %d", len(options), MaxOptions)
	}
	for _, o := range options {
		if o.Text == nil || o.Value == "" {
			return fmt.Errorf("option without text or value")
		}
		if err := checkTextObject(o.Text, MaxOptionText); err != nil {
			return fmt.Errorf("option %q: %v", o.Value, err)
		}
	}
	return nil
}

// inputElement returns the action_id and the options of an input's
// element; "" for an element the fake does not submit.
func inputElement(in *slack.InputBlock) (string, []*slack.OptionBlockObject) {
	switch e := in.Element.(type) {
	case *slack.PlainTextInputBlockElement:
		return e.ActionID, nil
	case *slack.SelectBlockElement:
		return e.ActionID, e.Options
	case *slack.RadioButtonsBlockElement:
		return e.ActionID, e.Options
	}
	return "", nil
}

// inputsLocked lists a modal's input blocks.
func inputsLocked(v *fakeView) ([]*slack.InputBlock, error) {
	var blocks slack.Blocks
	if err := json.Unmarshal(orEmpty(v.Blocks), &blocks); err != nil {
		return nil, err
	}
	var out []*slack.InputBlock
	for _, b := range blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			out = append(out, in)
		}
	}
	return out, nil
}

// checkViewAck checks the ack of a view_submission: no payload (close the
// modal) or a response_action Slack knows, with errors keyed by the input
// blocks of the view.
func (s *Server) checkViewAckLocked(env *envelope, payload json.RawMessage) {
	if len(payload) == 0 {
		return
	}
	var ack struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           *viewBody         `json:"view"`
	}
	if err := json.Unmarshal(payload, &ack); err != nil {
		s.violateLocked("view_submission ack payload is not a JSON object: %v", err)
		return
	}
	v := s.viewLocked(env.viewID)
	switch ack.ResponseAction {
	case "clear":
	case "errors":
		inputs, _ := inputsLocked(v)
		if len(ack.Errors) == 0 {
			s.violateLocked("view_submission ack: response_action errors without errors")
		}
		for id, msg := range ack.Errors {
			if !slices.ContainsFunc(inputs, func(in *slack.InputBlock) bool { return in.BlockID == id }) {
				s.violateLocked("view_submission ack: error for %q, which is not an input block of the view (Slack shows a generic error)", id)
			}
			if msg == "" || utf8.RuneCountInString(msg) > 2000 {
				s.violateLocked("view_submission ack: error message for %q of %d characters", id, utf8.RuneCountInString(msg))
			}
		}
		if v != nil {
			v.closed = false // the modal stays open
		}
	case "update", "push":
		if ack.View == nil {
			s.violateLocked("view_submission ack: response_action %s without a view", ack.ResponseAction)
		} else if err := checkView(*ack.View); err != nil {
			s.violateLocked("view_submission ack view: %v", err)
		}
	default:
		s.violateLocked("view_submission ack: response_action %q", ack.ResponseAction)
	}
}
