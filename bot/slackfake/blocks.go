package slackfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// Block Kit limits checked on every message (Slack's documented limits).
const (
	MaxBlocks         = 50
	MaxTextRunes      = 40000 // top-level text; Slack truncates beyond this
	MaxSectionText    = 3000
	MaxSectionFields  = 10
	MaxFieldText      = 2000
	MaxHeaderText     = 150
	MaxContextElems   = 10
	MaxActionElements = 25
	MaxBlockIDLen     = 255
	MaxButtonText     = 75
	MaxButtonValue    = 2000
)

// normalizeBlocks returns nil for an absent, null or empty blocks value.
func normalizeBlocks(raw json.RawMessage) json.RawMessage {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" || string(t) == "[]" {
		return nil
	}
	return bytes.Clone(t)
}

func checkText(text string) error {
	if n := utf8.RuneCountInString(text); n > MaxTextRunes {
		return fmt.Errorf("text has %d characters; Slack truncates above %d", n, MaxTextRunes)
	}
	return nil
}

// checkBlocks reports why raw is not a Block Kit array Slack would accept:
// it must decode into slack.Blocks, use known block types and respect the
// documented size limits.
func checkBlocks(raw json.RawMessage) error {
	var types []struct {
		Type    *string `json:"type"`
		BlockID string  `json:"block_id"`
	}
	if err := json.Unmarshal(raw, &types); err != nil {
		return fmt.Errorf("blocks is not a JSON array of objects: %v", err)
	}
	for i, t := range types {
		if t.Type == nil || *t.Type == "" {
			return fmt.Errorf("block %d has no type", i)
		}
		if len(t.BlockID) > MaxBlockIDLen {
			return fmt.Errorf("block %d: block_id longer than %d", i, MaxBlockIDLen)
		}
	}
	var blocks slack.Blocks
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return fmt.Errorf("blocks do not decode as slack.Blocks: %v", err)
	}
	if n := len(blocks.BlockSet); n > MaxBlocks {
		return fmt.Errorf("%d blocks; Slack allows %d", n, MaxBlocks)
	}
	for i, b := range blocks.BlockSet {
		if err := checkBlock(b); err != nil {
			return fmt.Errorf("block %d (%s): %v", i, b.BlockType(), err)
		}
	}
	return nil
}

func checkBlock(b slack.Block) error {
	switch b := b.(type) {
	case *slack.UnknownBlock:
		return fmt.Errorf("unknown block type")
	case *slack.SectionBlock:
		if b.Text == nil && len(b.Fields) == 0 {
			return fmt.Errorf("section needs text or fields")
		}
		if b.Text != nil {
			if err := checkTextObject(b.Text, MaxSectionText); err != nil {
				return err
			}
		}
		if len(b.Fields) > MaxSectionFields {
			return fmt.Errorf("%d fields; Slack allows %d", len(b.Fields), MaxSectionFields)
		}
		for _, f := range b.Fields {
			if err := checkTextObject(f, MaxFieldText); err != nil {
				return fmt.Errorf("field: %v", err)
			}
		}
	case *slack.HeaderBlock:
		if b.Text == nil || b.Text.Type != slack.PlainTextType {
			return fmt.Errorf("header text must be plain_text")
		}
		if err := checkTextObject(b.Text, MaxHeaderText); err != nil {
			return err
		}
	case *slack.ContextBlock:
		if n := len(b.ContextElements.Elements); n == 0 || n > MaxContextElems {
			return fmt.Errorf("%d context elements; Slack allows 1 to %d", n, MaxContextElems)
		}
	case *slack.ActionBlock:
		if b.Elements == nil || len(b.Elements.ElementSet) == 0 || len(b.Elements.ElementSet) > MaxActionElements {
			return fmt.Errorf("actions block needs 1 to %d elements", MaxActionElements)
		}
		for _, e := range b.Elements.ElementSet {
			if btn, ok := e.(*slack.ButtonBlockElement); ok {
				if err := checkButton(btn); err != nil {
					return err
				}
			}
		}
	}
	if sec, ok := b.(*slack.SectionBlock); ok && sec.Accessory != nil && sec.Accessory.ButtonElement != nil {
		if err := checkButton(sec.Accessory.ButtonElement); err != nil {
			return fmt.Errorf("accessory: %v", err)
		}
	}
	if v, ok := b.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	return nil
}

// checkButton applies Slack's button limits: text of 1–75 characters, an
// action_id of at most 255 and a value of at most 2,000.
func checkButton(btn *slack.ButtonBlockElement) error {
	if btn.Text == nil || btn.Text.Text == "" {
		return fmt.Errorf("button %q has no text", btn.ActionID)
	}
	if n := utf8.RuneCountInString(btn.Text.Text); n > MaxButtonText {
		return fmt.Errorf("button text has %d characters; Slack allows %d", n, MaxButtonText)
	}
	if btn.ActionID == "" || len(btn.ActionID) > MaxBlockIDLen {
		return fmt.Errorf("button %q needs an action_id of 1 to %d characters", btn.Text.Text, MaxBlockIDLen)
	}
	if n := len(btn.Value); n > MaxButtonValue {
		return fmt.Errorf("button %q value has %d bytes; Slack allows %d", btn.ActionID, n, MaxButtonValue)
	}
	return nil
}

// CheckMessage applies the checks the fake makes to every message it is
// sent (text length, blocks that decode, Slack's block, text and button
// limits) and returns the first problem, or nil. Unit tests of code that
// builds messages can use it without a server.
func CheckMessage(text string, blocks json.RawMessage) error {
	if err := checkText(text); err != nil {
		return err
	}
	if blocks = normalizeBlocks(blocks); blocks == nil {
		if text == "" {
			return fmt.Errorf("a message needs text or blocks")
		}
		return nil
	}
	return checkBlocks(blocks)
}

func checkTextObject(t *slack.TextBlockObject, max int) error {
	if t.Type != slack.PlainTextType && t.Type != slack.MarkdownType {
		return fmt.Errorf("text object type %q", t.Type)
	}
	n := utf8.RuneCountInString(t.Text)
	if n == 0 {
		return fmt.Errorf("empty text")
	}
	if n > max {
		return fmt.Errorf("text has %d characters; Slack allows %d", n, max)
	}
	return nil
}
