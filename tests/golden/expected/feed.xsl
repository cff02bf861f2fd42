<?xml version="1.0" encoding="UTF-8"?><xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="no"/>
<xsl:template match="/">
<xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<title><xsl:value-of select="$title"/> (RSS feed)</title>
<link rel="stylesheet" href="/lea/assets/style.58562e839d.css"/>
</head>
<body>
<main id="main" class="feed-page">
<h1><xsl:value-of select="$title"/></h1>
<p class="feed-intro">This is the journal’s feed. A feed reader app shows you each new entry: give it this page’s address. This page itself is only a preview of it.</p>
<p><a href="/lea/subscribe/">How to follow this journal (by email, too)</a></p>
<ul class="feed-items">
<xsl:for-each select="/rss/channel/item">
<li><a href="{link}"><xsl:value-of select="title"/></a> <small><xsl:value-of select="substring(pubDate, 6, 11)"/></small></li>
</xsl:for-each>
<xsl:for-each select="/atom:feed/atom:entry">
<li><a href="{atom:link[not(@rel) or @rel='alternate'][1]/@href}"><xsl:value-of select="atom:title"/></a> <small><xsl:value-of select="substring(atom:published, 1, 10)"/></small></li>
</xsl:for-each>
</ul>
</main>
</body>
</html>
</xsl:template>
</xsl:stylesheet>
