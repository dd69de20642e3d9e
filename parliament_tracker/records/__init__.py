"""Records: the Woo file of a case or a search (``woo``, built in steps by a job for a search:
``exports``) and the records' life after closing (``retention``: the selectielijst, legal
holds, destruction lists, the minimal record of a destroyed case, transfer packages).

It sits high in the import order (above every feature whose documents it gathers) and
registers with the case page's hook at app creation.
"""
