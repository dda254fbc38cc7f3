"""{% load references %}: ISO controls as A.5.1 and APPI articles as 第23条 / Art. 23."""

from django import template

from .. import references

register = template.Library()


@register.filter
def appi_refs(refs):
    return references.articles(refs or ())


@register.filter
def iso_refs(refs):
    return references.controls(refs or ())


@register.filter
def ref_list(refs):
    return references.join(refs or ())


@register.filter
def appi_ref(ref):
    return references.article(ref)


@register.filter
def iso_ref(ref):
    return references.control(ref)
