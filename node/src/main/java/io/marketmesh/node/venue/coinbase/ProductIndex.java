package io.marketmesh.node.venue.coinbase;

import java.util.ArrayList;
import java.util.List;

/**
 * The products one socket knows, looked up straight from the parser's character buffer. A socket carries at most
 * 16 products (the venue's level2 limit per connection), so a linear scan beats hashing a String per frame.
 */
final class ProductIndex {

    private final List<Product> products = new ArrayList<>();

    /** The product with this id, or {@link Product#FOREIGN} when this socket never carried it. */
    Product find(char[] chars, int offset, int length) {
        for (int i = 0, n = products.size(); i < n; i++) {
            Product p = products.get(i);
            if (p.matches(chars, offset, length)) {
                return p;
            }
        }
        return Product.FOREIGN;
    }

    /** The product with this id, or null. */
    Product find(String symbol) {
        for (Product p : products) {
            if (p.symbol.equals(symbol)) {
                return p;
            }
        }
        return null;
    }

    Product getOrCreate(String symbol) {
        Product p = find(symbol);
        if (p == null) {
            p = new Product(symbol);
            products.add(p);
        }
        return p;
    }

    /** The products subscribed now, in the order they were first subscribed. */
    List<Product> subscribed() {
        List<Product> result = new ArrayList<>(products.size());
        for (Product p : products) {
            if (p.subscribed) {
                result.add(p);
            }
        }
        return result;
    }
}
