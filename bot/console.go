package bot

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/attendees-bot/attendees-bot/bot/terminal"
	"github.com/attendees-bot/attendees-bot/formatting"
)

// Console answers requests in a terminal: the demo without Slack. Replies are
// printed as readable text and files are written to Dir.
type Console struct {
	mu  sync.Mutex
	w   io.Writer
	Dir string
}

// NewConsole prints to w and writes files into dir.
func NewConsole(w io.Writer, dir string) *Console { return &Console{w: w, Dir: dir} }

var _ responder = (*Console)(nil)

func (c *Console) Respond(_ context.Context, _ string, r Reply) error {
	who := "only you can see this"
	if r.InChannel {
		who = "posted in the channel"
	}
	if r.Replace {
		who += ", in place of the reply above"
	}
	c.print(who, r.Message)
	return nil
}

func (c *Console) Post(_ context.Context, channelID string, m formatting.Message) (string, error) {
	c.print("posted in "+channelID, m)
	return "1700000000.000100", nil
}

func (c *Console) Update(_ context.Context, channelID, ts string, m formatting.Message) error {
	c.print("post "+ts+" in "+channelID+" updated", m)
	return nil
}

func (c *Console) OpenDM(_ context.Context, userID string) (string, error) { return "D-" + userID, nil }

func (c *Console) Upload(_ context.Context, f Upload) error {
	path := filepath.Join(c.Dir, f.Filename)
	if err := os.WriteFile(path, f.Content, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := fmt.Fprintf(c.w, "── file sent to %s: %s (%d bytes)\n\n", f.ChannelID, path, len(f.Content))
	return err
}

func (c *Console) print(who string, m formatting.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "── reply (%s) ──\n%s\n", who, strings.TrimRight(terminal.Render(m), "\n")+"\n")
}

// ConsoleUserID is the Slack user ID of the person at the console.
const ConsoleUserID = "U0DEMO"

// ReadCommands feeds every line of r to h as a slash command from a demo
// user, one after another, until r ends, a line says quit or ctx is done.
// Lines may be "/attendees <text>" or just "<text>". prompt, when set, is
// called before each line is read (for a person at a terminal).
func ReadCommands(ctx context.Context, r io.Reader, h *Handler, command string, prompt func(), log func(Request, Result)) error {
	br := bufio.NewReaderSize(r, maxConsoleLine)
	for {
		if prompt != nil {
			prompt()
		}
		text, err := readLine(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(text)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "quit" || line == "exit" {
			return nil
		}
		if rest, ok := strings.CutPrefix(line, command); ok && (rest == "" || rest[0] == ' ') {
			line = strings.TrimSpace(rest)
		}
		req := Request{UserID: ConsoleUserID, ChannelID: "C0DEMO", TeamID: "T0DEMO", Text: line, ResponseURL: "console"}
		res := h.Handle(ctx, req)
		if log != nil {
			log(req, res)
		}
	}
}

// maxConsoleLine bounds what is kept of one line: far more than the
// command text Slack sends (4,000 characters) or the handler reads
// (maxCommandText), so a longer line still reads as too long.
const maxConsoleLine = 64 * 1024

// readLine is the next line of br, at most maxConsoleLine bytes of it:
// the rest of a longer line is read and dropped, so one long line gets
// the answer a too-long command gets and the lines after it are read as
// usual. The last line may lack its newline; io.EOF comes after it.
func readLine(br *bufio.Reader) (string, error) {
	line, err := br.ReadSlice('\n')
	text := string(line)
	for errors.Is(err, bufio.ErrBufferFull) {
		_, err = br.ReadSlice('\n')
	}
	if errors.Is(err, io.EOF) && text != "" {
		return text, nil
	}
	return text, err
}
