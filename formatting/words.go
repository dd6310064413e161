package formatting

// Words are the sentences of a rendering in its reader's language, by
// message ID: bot/catalog's *Printer, whose tests check that every ID used
// here is in every language. T fills a message's template with
// args; N picks its plural form for n, which the template sees as {{.N}}.
type Words interface {
	T(id string, args ...map[string]any) string
	N(id string, n int, args ...map[string]any) string
}

// args are a message's template values, by name.
type args = map[string]any
