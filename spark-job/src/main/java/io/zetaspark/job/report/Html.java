package io.zetaspark.job.report;

/** The few HTML helpers the run report needs (escaping and table cells), no template engine. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '&':
                    sb.append("&amp;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }

    /** One table row; cells that look numeric are right-aligned. */
    static String row(boolean header, Object... cells) {
        StringBuilder sb = new StringBuilder("<tr>");
        String tag = header ? "th" : "td";
        for (Object c : cells) {
            String s = String.valueOf(c);
            boolean num = !header && s.matches("[-+0-9.,eE%×]+( s| B)?");
            sb.append('<').append(tag).append(num ? " class=\"n\">" : ">").append(escape(s)).append("</").append(tag).append('>');
        }
        return sb.append("</tr>\n").toString();
    }
}
