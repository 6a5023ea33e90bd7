package eval

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
)

// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters): one test suite per
// variant, one test case per item; a missed bar is a failure, a variant's error an error.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes r as JUnit XML.
func WriteJUnit(w io.Writer, r *Report) error {
	out := junitSuites{Name: r.Suite}
	var total float64
	for vi, v := range r.Variants {
		s := junitSuite{Name: v}
		if c, ok := r.Cell(v, AllCategories); ok {
			for _, m := range slices.Concat(QualityMetrics, SpeedMetrics) {
				if iv, ok := c.Metrics[m]; ok {
					s.Properties = append(s.Properties, junitProperty{Name: m, Value: FormatInterval(iv)})
				}
			}
		}
		var secs float64
		for _, it := range r.Items {
			res := it.Results[vi]
			t := res.Answer.Total.Seconds()
			secs += t
			tc := junitCase{Name: it.ID, Classname: v + "." + string(it.Category), Time: fmt.Sprintf("%.3f", t), SystemOut: res.Answer.Text}
			switch {
			case res.Error != "":
				tc.Error = &junitProblem{Message: res.Error, Type: "error", Text: res.Error}
				s.Errors++
			case !res.Passed():
				tc.Failure = failure(it.Item, res)
				s.Failures++
			}
			s.Tests++
			s.Cases = append(s.Cases, tc)
		}
		s.Time = fmt.Sprintf("%.3f", secs)
		total += secs
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Suites = append(out.Suites, s)
	}
	out.Time = fmt.Sprintf("%.3f", total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func failure(it Item, r Result) *junitProblem {
	if it.Category == OutOfScope {
		return &junitProblem{Type: "no-refusal", Message: "out of scope, but the answer did not decline",
			Text: "Question: " + it.Question + "\nAnswer: " + r.Answer.Text}
	}
	return &junitProblem{Type: "keywords",
		Message: fmt.Sprintf("keyword recall %.2f (all: %v, any: %v)", r.Metrics[MKeywordRecall], it.Keywords.All, it.Keywords.Any),
		Text:    "Question: " + it.Question + "\nReference: " + it.Reference + "\nAnswer: " + r.Answer.Text}
}
