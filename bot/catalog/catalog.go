// Package catalog holds every sentence the bot writes, in each language it
// speaks (en-US and zh-CN), and picks the language for a reader.
//
// The sentences live in en-US.yaml and zh-CN.yaml beside this file, in the
// message format of github.com/nicksnyder/go-i18n: a message is a
// text/template ({{.Name}}), with CLDR plural forms (one, other) where a
// count changes the wording. The files are embedded in the binary. The
// package's tests fail when a message lacks a language or a plural form,
// when a template does not run, and when the code uses a message the
// catalog does not have (or the catalog keeps one nobody uses).
package catalog

import (
	"embed"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// The languages of the catalog. Default is the fallback for a reader whose
// language the catalog does not have.
const (
	English = "en-US"
	Chinese = "zh-CN"
	Default = English
)

//go:embed en-US.yaml zh-CN.yaml
var files embed.FS

// Languages are the tags the catalog speaks.
var Languages = []string{English, Chinese}

// loaded is the parsed catalog: a printer per language and the matcher of
// locales. It is parsed on first use, not at start: a command that writes
// no sentence (lookup --format csv) never pays its 1.1 MB (issue 11).
type loaded struct {
	matcher  language.Matcher
	printers map[string]*Printer
}

var load = sync.OnceValue(func() loaded {
	bundle := i18n.NewBundle(language.MustParse(Default))
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := loaded{printers: make(map[string]*Printer)}
	var tags []language.Tag // in Languages order
	for _, lang := range Languages {
		// The files are part of the binary and checked by the tests: a
		// broken one is a build mistake, not bad input.
		if _, err := bundle.LoadMessageFileFS(files, lang+".yaml"); err != nil {
			panic("catalog: " + err.Error())
		}
		tags = append(tags, language.MustParse(lang))
		c.printers[lang] = &Printer{lang: lang, loc: i18n.NewLocalizer(bundle, lang)}
	}
	c.matcher = language.NewMatcher(tags)
	return c
})

// Match returns the catalog language closest to a locale such as Slack's
// "zh-TW" or "en-GB", or fallback when the catalog has none near it (or
// the locale does not parse).
func Match(locale, fallback string) string {
	tag, err := language.Parse(strings.TrimSpace(locale))
	if err != nil {
		return Supported(fallback)
	}
	_, i, conf := load().matcher.Match(tag)
	if conf == language.No {
		return Supported(fallback)
	}
	return Languages[i]
}

// Supported returns lang if the catalog has it, else Default.
func Supported(lang string) string {
	if slices.Contains(Languages, lang) {
		return lang
	}
	return Default
}

// Printer writes the catalog's sentences in one language. Safe for
// concurrent use; the zero value is not usable (use For or Later).
type Printer struct {
	lang  string
	loc   *i18n.Localizer
	ready <-chan struct{} // Later's: closed once lang and loc are set
}

// For returns the Printer of lang, one of Languages; any other value gets
// Default's.
func For(lang string) *Printer { return load().printers[Supported(lang)] }

// Later returns the Printer of the language lang returns, as For would;
// lang runs at once in a goroutine of its own and the Printer's methods
// wait for it. Work that writes no sentence yet goes ahead meanwhile: a
// lookup's meeting requests need not wait for the reader's locale
// (users.info, a Slack round trip).
func Later(lang func() string) *Printer {
	ready := make(chan struct{})
	p := &Printer{ready: ready}
	go func() {
		defer close(ready)
		q := For(lang())
		p.lang, p.loc = q.lang, q.loc
	}()
	return p
}

// wait waits for a Later printer's language.
func (p *Printer) wait() {
	if p.ready != nil {
		<-p.ready
	}
}

// Lang is the printer's language tag.
func (p *Printer) Lang() string {
	p.wait()
	return p.lang
}

// sentenceSep is what stands between two sentences: a space in English,
// nothing after a Chinese full stop.
var sentenceSep = map[string]string{English: " ", Chinese: ""}

// Join writes sentences one after another as the language does.
func (p *Printer) Join(sentences ...string) string {
	p.wait()
	return strings.Join(slices.DeleteFunc(sentences, func(s string) bool { return s == "" }), sentenceSep[p.lang])
}

// Args are the values a message's template refers to, by name. An alias,
// so that a *Printer is a formatting.Words.
type Args = map[string]any

// T returns message id filled with args.
func (p *Printer) T(id string, args ...Args) string {
	var data Args
	if len(args) > 0 {
		data = args[0]
	}
	return p.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// N returns message id in the plural form for n, filled with args; the
// template sees n as {{.N}}.
func (p *Printer) N(id string, n int, args ...Args) string {
	data := Args{}
	if len(args) > 0 {
		for k, v := range args[0] {
			data[k] = v
		}
	}
	data["N"] = n
	return p.localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n})
}

var warnOnce sync.Map

// localize never fails the caller: a message missing from the catalog (the
// tests prevent it) prints its ID, and is logged once.
func (p *Printer) localize(c *i18n.LocalizeConfig) string {
	p.wait()
	s, err := p.loc.Localize(c)
	if err != nil {
		if _, seen := warnOnce.LoadOrStore(p.lang+"|"+c.MessageID, true); !seen {
			slog.Warn("catalog: message missing", slog.String("id", c.MessageID), slog.String("lang", p.lang), slog.Any("err", err))
		}
		if s == "" {
			return c.MessageID
		}
	}
	return s
}
