<?xml version="1.0" encoding="UTF-8"?>
{#- Shown by a browser that opens a feed (feed.xml, atom.xml, and each tag's): a readable page
    instead of raw XML, saying what a feed is and how to follow. Feed readers ignore it. The
    text is rendered in the journal's language; it uses only the site's own stylesheet. -#}
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat" indent="no"/>
<xsl:template match="/">
<xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
<html lang="{{ config.language | e }}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<title><xsl:value-of select="$title"/> ({{ t('rss_feed') | e }})</title>
<link rel="stylesheet" href="{{ site.asset_url('style.css') | e }}"/>
</head>
<body>
<main id="main" class="feed-page">
<h1><xsl:value-of select="$title"/></h1>
<p class="feed-intro">{{ t('feed_page_intro') | e }}</p>
<p><a href="{{ url('subscribe/') | e }}">{{ t('feed_page_how') | e }}</a></p>
<ul class="feed-items">
<xsl:for-each select="/rss/channel/item">
{#- RFC 822: "Sun, 06 Dec 2026 10:00:00 +0000"; the month's English name made a number. #}
<li><a href="{link}"><xsl:value-of select="title"/></a><xsl:text> </xsl:text><small><xsl:call-template name="date">
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
</xsl:template>
{#- A date as the journal's pages write it, in its language. #}
<xsl:template name="date">
<xsl:param name="day"/>
<xsl:param name="month"/>
<xsl:param name="year"/>
<xsl:choose>
{%- for pieces in lang.date_pieces() %}
<xsl:when test="$month = {{ loop.index }}">
{%- for kind, words in pieces -%}
{%- if kind == 'day' %}<xsl:value-of select="$day"/>
{%- elif kind == 'year' %}<xsl:value-of select="$year"/>
{%- else %}<xsl:text>{{ words | e }}</xsl:text>{% endif -%}
{%- endfor -%}
</xsl:when>
{%- endfor %}
</xsl:choose>
</xsl:template>
</xsl:stylesheet>
