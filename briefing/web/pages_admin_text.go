package web

import (
	"strings"

	"firsthand/briefing"
	"firsthand/briefing/channel"
	"firsthand/briefing/i18n"
)

// The admin pages' words that are not in their templates: a domain error
// next to its field, and the channel catalogue's names, hints and field
// labels in the reader's language. briefing/channel keeps the English ones
// (the docs and the API read them); the catalogue holds both languages
// under admin.kind.<kind>, admin.kind_hint.<kind>, admin.field.<input> and
// admin.field_hint.<input>, and a test keeps its English equal to the
// channel package's.

// The catalogue ids of a kind's words, made from the kind and the form's
// input name; TestChannelCatalogueInEveryLanguage checks they all exist.
func kindLabelID(kind briefing.ChannelKind) string { return "admin.kind." + string(kind) }
func kindHintID(kind briefing.ChannelKind) string  { return "admin.kind_hint." + string(kind) }
func fieldLabelID(input string) string             { return "admin.field." + input }
func fieldHintID(input string) string              { return "admin.field_hint." + input }

// kindLabel is what the reader calls a channel kind.
func kindLabel(l *i18n.Locale, kind briefing.ChannelKind) string { return l.T(kindLabelID(kind)) }

// fieldDefault is the value a field's English hint names as its default
// ("Only through a proxy; default https://api.x.com"): the translated hint
// fills it in, so the value lives only in briefing/channel.
func fieldDefault(hint string) string {
	_, d, _ := strings.Cut(hint, "default ")
	return d
}

// localKind is a kind of the catalogue with its name, hint and fields in
// the reader's language.
func localKind(l *i18n.Locale, k channel.Kind) kindForm {
	kf := kindForm{Kind: k}
	kf.Label, kf.Hint = kindLabel(l, k.KindSpec.Kind), l.T(kindHintID(k.KindSpec.Kind))
	for _, f := range k.Fields {
		in := string(k.KindSpec.Kind) + "_" + f.Name
		ff := fieldForm{Field: f, Input: in}
		ff.Label = l.T(fieldLabelID(in))
		if f.Hint != "" {
			ff.Hint = l.T(fieldHintID(in), "Default", fieldDefault(f.Hint))
		}
		kf.Fields = append(kf.Fields, ff)
	}
	return kf
}
