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
