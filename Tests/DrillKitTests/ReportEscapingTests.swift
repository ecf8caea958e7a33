import Testing
@testable import DrillKit

@Suite struct ReportEscapingTests {
    @Test func inlineTextEscapesMarkdownSyntax() {
        #expect(MarkdownText.inline("*bold* [link](x) <b> a & b `c`") == #"\*bold\* \[link\](x) \<b\> a \& b \`c\`"#)
        #expect(MarkdownText.inline("total_cents _emphasis_") == #"total_cents \_emphasis\_"#)
        #expect(MarkdownText.inline("# heading") == ##"\# heading"##)
        #expect(MarkdownText.inline("- item") == #"\- item"#)
        #expect(MarkdownText.inline("12. item") == #"12\. item"#)
        #expect(MarkdownText.inline("16.3") == "16.3")
        #expect(MarkdownText.inline("one\ntwo") == "one<br>two")
    }

    @Test func codeSpansOutgrowTheirContent() {
        #expect(MarkdownText.code("a`b") == "``a`b``")
        #expect(MarkdownText.code("`x`") == "`` `x` ``")
        #expect(MarkdownText.code("a|b") == "a|b")
    }

    @Test func xmlEscapesTextAndAttributes() {
        #expect(XMLEscaping.text("a < b && c > d ]]>") == "a &lt; b &amp;&amp; c &gt; d ]]&gt;")
        #expect(XMLEscaping.attribute("\"q\" 'a'\n\t") == "&quot;q&quot; &apos;a&apos;&#10;&#9;")
        #expect(XMLEscaping.text("bell\u{07}nul\u{00}ok\u{FFFE}") == "bellnulok")
    }
}
