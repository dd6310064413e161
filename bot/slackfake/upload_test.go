package slackfake_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/attendees-bot/attendees-bot/bot/slackfake"
)

func TestUploadFile(t *testing.T) {
	csv := "name,joined\nAda,09:00\n李雷,09:01\n"
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)

	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, parent, err := api.PostMessageContext(ctx, "C0GENERAL", slack.MsgOptionText("shared", false))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		params slack.UploadFileParameters
	}{
		{"reader to DM", slack.UploadFileParameters{
			Reader: strings.NewReader(csv), FileSize: len(csv), Filename: "a.csv", Channel: dm.ID, InitialComment: "here",
		}},
		{"content in thread", slack.UploadFileParameters{
			Content: csv, FileSize: len(csv), Filename: "b.csv", Title: "Attendees", Channel: "C0GENERAL", ThreadTimestamp: parent,
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := api.UploadFileContext(ctx, tt.params)
			if err != nil {
				t.Fatalf("UploadFile: %v", err)
			}
			files, err := srv.WaitFiles(ctx, i+1)
			if err != nil {
				t.Fatal(err)
			}
			f := files[i]
			p := tt.params
			wantTitle := p.Title
			if wantTitle == "" {
				wantTitle = p.Filename
			}
			if f.ID != sum.ID || sum.Title != wantTitle || f.Title != wantTitle || f.Name != p.Filename || f.Channel != p.Channel ||
				f.ThreadTS != p.ThreadTimestamp || f.InitialComment != p.InitialComment || string(f.Content) != csv {
				t.Errorf("file = %+v, summary %+v; want %+v", f, sum, p)
			}
		})
	}
	assertClean(t, srv)
}

func TestUploadToChannelWithoutBot(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	_, err := apiClient(srv, srv.Config().BotToken).UploadFileContext(ctx, slack.UploadFileParameters{
		Content: "x", FileSize: 1, Filename: "x.csv", Channel: "C0RANDOM",
	})
	if err == nil || !strings.Contains(err.Error(), "not_in_channel") {
		t.Errorf("UploadFile = %v; want not_in_channel", err)
	}
	if f := srv.Files(); len(f) != 0 {
		t.Errorf("files = %+v; want none", f)
	}
	assertClean(t, srv)
}

func TestUploadViolations(t *testing.T) {
	tests := []struct {
		name      string
		declared  int
		content   string
		auth      string
		violation string
	}{
		{"short body", 10, "12345", "", "5 bytes uploaded, 10 declared"},
		{"long body", 2, "12345", "", "5 bytes uploaded, 2 declared"},
		{"no token", 5, "12345", "none", "not Bearer with the bot token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, slackfake.Config{})
			ctx := timeout(t)
			api := apiClient(srv, srv.Config().BotToken)
			u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "a.csv", FileSize: tt.declared})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.UploadURL, srv.URL+"/") {
				t.Errorf("upload_url %s is not on the API host", u.UploadURL)
			}
			if tt.auth == "" {
				err = api.UploadToURL(ctx, slack.UploadToURLParameters{UploadURL: u.UploadURL, Content: tt.content, Filename: "a.csv"})
				if err == nil {
					t.Error("UploadToURL succeeded")
				}
			} else {
				// A raw body without the Authorization header.
				resp, err := http.Post(u.UploadURL, "application/octet-stream", bytes.NewReader([]byte(tt.content)))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Error("upload without token got 200")
				}
			}
			wantViolation(t, ctx, srv, 1, tt.violation)
			_, err = api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
				Files: []slack.FileSummary{{ID: u.FileID}}, Channel: "C0GENERAL",
			})
			if err == nil || err.Error() != "file_not_found" {
				t.Errorf("complete after a failed upload = %v; want file_not_found", err)
			}
			wantViolation(t, ctx, srv, 2, "never uploaded")
		})
	}
}

func TestRawUploadBodyAccepted(t *testing.T) {
	srv := start(t, slackfake.Config{})
	ctx := timeout(t)
	api := apiClient(srv, srv.Config().BotToken)
	u, err := api.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{FileName: "a.txt", FileSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u.UploadURL, strings.NewReader("abc"))
	req.Header.Set("Authorization", "Bearer "+srv.Config().BotToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("raw upload status %d", resp.StatusCode)
	}
	if _, err := api.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{Files: []slack.FileSummary{{ID: u.FileID}}}); err != nil {
		t.Fatal(err)
	}
	if f := srv.Files(); len(f) != 1 || string(f[0].Content) != "abc" || f[0].Channel != "" {
		t.Errorf("files = %+v", f)
	}
	assertClean(t, srv)
}
