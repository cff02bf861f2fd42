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
<link rel="stylesheet" href="/lea/assets/style.51a89a725e.css"/>
</head>
<body>
<main id="main" class="feed-page">
<h1><xsl:value-of select="$title"/></h1>
<p class="feed-intro">This is the journal’s feed. A feed reader app shows you each new entry: give it this page’s address. This page itself is only a preview of it.</p>
<p><a href="/lea/subscribe/">How to follow this journal (by email, too)</a></p>
<ul class="feed-items">
<xsl:for-each select="/rss/channel/item"><li><a href="{link}"><xsl:value-of select="title"/></a><xsl:text> </xsl:text><small><xsl:call-template name="date">
<xsl:with-param name="day" select="number(substring(pubDate, 6, 2))"/>
<xsl:with-param name="month" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', substring(pubDate, 9, 3))) div 3 + 1"/>
<xsl:with-param name="year" select="substring(pubDate, 13, 4)"/>
</xsl:call-template></small></li>
</xsl:for-each>
<xsl:for-each select="/atom:feed/atom:entry">
<li><a href="{atom:link[not(@rel) or @rel='alternate'][1]/@href}"><xsl:value-of select="atom:title"/></a><xsl:text> </xsl:text><small><xsl:call-template name="date">
<xsl:with-param name="day" select="number(substring(atom:published, 9, 2))"/>
<xsl:with-param name="month" select="number(substring(atom:published, 6, 2))"/>
<xsl:with-param name="year" select="substring(atom:published, 1, 4)"/>
</xsl:call-template></small></li>
</xsl:for-each>
</ul>
</main>
</body>
</html>
</xsl:template><xsl:template name="date">
<xsl:param name="day"/>
<xsl:param name="month"/>
<xsl:param name="year"/>
<xsl:choose><xsl:when test="$month = 1"><xsl:text>January </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 2"><xsl:text>February </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 3"><xsl:text>March </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 4"><xsl:text>April </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 5"><xsl:text>May </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 6"><xsl:text>June </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 7"><xsl:text>July </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 8"><xsl:text>August </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 9"><xsl:text>September </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 10"><xsl:text>October </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 11"><xsl:text>November </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when><xsl:when test="$month = 12"><xsl:text>December </xsl:text><xsl:value-of select="$day"/><xsl:text>, </xsl:text><xsl:value-of select="$year"/></xsl:when></xsl:choose>
</xsl:template>
</xsl:stylesheet>
